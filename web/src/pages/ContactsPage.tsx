import { Button, Card, Checkbox, Grid, Group, Modal, NavLink, Stack, Table, Tabs, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery } from '@apollo/client/react';
import { IconPlus, IconSearch, IconUserPlus } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../modules/common/ErrorAlert.tsx';
import { PageHeader } from '../modules/common/PageHeader.tsx';
import { PageLoader } from '../modules/common/PageLoader.tsx';
import { ConsentBadges } from '../modules/contacts/ConsentBadges.tsx';
import { ImportContacts } from '../modules/contacts/ImportContacts.tsx';
import { CONTACTS_QUERY, CONTACT_LISTS_QUERY, CREATE_CONTACT_MUTATION, CREATE_LIST_MUTATION } from '../modules/contacts/contacts.graphql.ts';
import type { ContactList } from '../modules/contacts/contacts.graphql.ts';

function NewListModal({ opened, onClose, onCreated }: { opened: boolean; onClose: () => void; onCreated: (id: string) => void }) {
  const { t } = useTranslation();
  const [name, setName] = useState('');
  const [createList, { loading, error }] = useMutation(CREATE_LIST_MUTATION, { refetchQueries: [{ query: CONTACT_LISTS_QUERY }], awaitRefetchQueries: true });
  return (
    <Modal opened={opened} onClose={onClose} title={t('contacts.newList')}>
      <form onSubmit={async (event) => {
        event.preventDefault();
        const answer = await createList({ variables: { input: { name } } }).catch(() => null);
        if (answer?.data) {
          setName('');
          onCreated(answer.data.createContactList.id);
        }
      }}>
        <Stack>
          <TextInput label={t('contacts.listName')} value={name} onChange={(e) => setName(e.currentTarget.value)} required data-autofocus />
          <ErrorAlert error={error} />
          <Group justify="flex-end"><Button type="submit" loading={loading}>{t('contacts.create')}</Button></Group>
        </Stack>
      </form>
    </Modal>
  );
}

function NewContactModal({ opened, onClose, list }: { opened: boolean; onClose: () => void; list: ContactList }) {
  const { t } = useTranslation();
  const empty = { email: '', phone: '', firstName: '', lastName: '', emailConsent: false, smsConsent: false };
  const [form, setForm] = useState(empty);
  const [createContact, { loading, error }] = useMutation(CREATE_CONTACT_MUTATION, { refetchQueries: [{ query: CONTACT_LISTS_QUERY }, CONTACTS_QUERY], awaitRefetchQueries: true });
  return (
    <Modal opened={opened} onClose={onClose} title={t('contacts.newContact')}>
      <form onSubmit={async (event) => {
        event.preventDefault();
        const answer = await createContact({ variables: { input: {
          email: form.email || null, phone: form.phone || null, firstName: form.firstName || null, lastName: form.lastName || null, listIds: [list.id],
          emailConsent: form.email ? form.emailConsent : null, smsConsent: form.phone ? form.smsConsent : null,
        } } }).catch(() => null);
        if (answer?.data) {
          setForm(empty);
          onClose();
        }
      }}>
        <Stack>
          <Group grow>
            <TextInput label={t('contacts.firstName')} value={form.firstName} onChange={(e) => setForm({ ...form, firstName: e.currentTarget.value })} />
            <TextInput label={t('contacts.lastName')} value={form.lastName} onChange={(e) => setForm({ ...form, lastName: e.currentTarget.value })} />
          </Group>
          <TextInput label={t('contacts.email')} type="email" value={form.email} onChange={(e) => setForm({ ...form, email: e.currentTarget.value })} />
          <TextInput label={t('contacts.phone')} placeholder="+33612345678" value={form.phone} onChange={(e) => setForm({ ...form, phone: e.currentTarget.value })} />
          <Checkbox label={t('contacts.emailConsentLabel')} checked={form.emailConsent} disabled={!form.email} onChange={(e) => setForm({ ...form, emailConsent: e.currentTarget.checked })} />
          <Checkbox label={t('contacts.smsConsentLabel')} checked={form.smsConsent} disabled={!form.phone} onChange={(e) => setForm({ ...form, smsConsent: e.currentTarget.checked })} />
          <ErrorAlert error={error} />
          <Group justify="flex-end"><Button type="submit" loading={loading}>{t('contacts.create')}</Button></Group>
        </Stack>
      </form>
    </Modal>
  );
}

function ListContacts({ list }: { list: ContactList }) {
  const { t } = useTranslation();
  const [search, setSearch] = useState('');
  const [adding, setAdding] = useState(false);
  const { data, error, refetch } = useQuery(CONTACTS_QUERY, { variables: { listId: list.id, search: search || null, limit: 200, offset: 0 }, fetchPolicy: 'cache-and-network' });
  return (
    <Card withBorder radius="md" padding="lg">
      <Group justify="space-between" mb="md">
        <div>
          <Title order={2} fz="lg">{list.name}</Title>
          <Text size="sm" c="dimmed">{t('contacts.listCounts', { members: list.members, email: list.emailConsents, sms: list.smsConsents })}</Text>
        </div>
        <Button variant="light" leftSection={<IconUserPlus size={16} />} onClick={() => setAdding(true)}>{t('contacts.newContact')}</Button>
      </Group>
      <NewContactModal opened={adding} onClose={() => setAdding(false)} list={list} />
      <Tabs defaultValue="contacts" keepMounted={false}>
        <Tabs.List mb="md">
          <Tabs.Tab value="contacts">{t('contacts.tabs.contacts')}</Tabs.Tab>
          <Tabs.Tab value="import">{t('contacts.tabs.import')}</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="contacts">
          <TextInput mb="sm" leftSection={<IconSearch size={16} />} placeholder={t('contacts.search')} aria-label={t('contacts.search')} value={search} onChange={(e) => setSearch(e.currentTarget.value)} />
          {!data ? <ErrorAlert error={error} onRetry={() => void refetch()} /> : (
            <Table striped highlightOnHover aria-label={t('contacts.tableLabel')}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('contacts.name')}</Table.Th>
                  <Table.Th>{t('contacts.email')}</Table.Th>
                  <Table.Th>{t('contacts.phone')}</Table.Th>
                  <Table.Th>{t('contacts.consentTitle')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {data.contacts.contacts.map((contact) => (
                  <Table.Tr key={contact.id}>
                    <Table.Td>{[contact.firstName, contact.lastName].filter(Boolean).join(' ') || '—'}</Table.Td>
                    <Table.Td>{contact.email ?? '—'}</Table.Td>
                    <Table.Td>{contact.phone ?? '—'}</Table.Td>
                    <Table.Td><ConsentBadges contact={contact} /></Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
          {data && data.contacts.contacts.length === 0 ? <Text c="dimmed" size="sm">{t('contacts.empty')}</Text> : null}
        </Tabs.Panel>
        <Tabs.Panel value="import">
          <ImportContacts listId={list.id} />
        </Tabs.Panel>
      </Tabs>
    </Card>
  );
}

export function ContactsPage() {
  const { t } = useTranslation();
  const { data, loading, error, refetch } = useQuery(CONTACT_LISTS_QUERY, { fetchPolicy: 'cache-and-network' });
  const [selected, setSelected] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  if (loading && !data) return <PageLoader />;
  if (!data) return <ErrorAlert error={error} onRetry={() => void refetch()} />;
  const list = data.contactLists.find((l) => l.id === selected) ?? data.contactLists[0] ?? null;
  return (
    <>
      <PageHeader
        title={t('contacts.title')}
        description={t('contacts.subtitle')}
        actions={<Button leftSection={<IconPlus size={16} />} onClick={() => setCreating(true)}>{t('contacts.newList')}</Button>}
      />
      <NewListModal opened={creating} onClose={() => setCreating(false)} onCreated={(id) => { setSelected(id); setCreating(false); }} />
      <Grid gap="lg">
        <Grid.Col span={{ base: 12, md: 3 }}>
          <Card withBorder radius="md" padding="xs">
            <nav aria-label={t('contacts.listsLabel')}>
              {data.contactLists.length === 0 ? <Text size="sm" c="dimmed" p="sm">{t('contacts.noList')}</Text> : null}
              {data.contactLists.map((l) => (
                <NavLink key={l.id} active={l.id === list?.id} label={l.name} description={t('contacts.members', { count: l.members })} onClick={() => setSelected(l.id)} />
              ))}
            </nav>
          </Card>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 9 }}>
          {list ? <ListContacts key={list.id} list={list} /> : null}
        </Grid.Col>
      </Grid>
    </>
  );
}
