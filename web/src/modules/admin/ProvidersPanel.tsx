import { ActionIcon, Alert, Badge, Button, Card, Group, Modal, PasswordInput, Stack, Switch, Table, Text, TextInput, Tooltip } from '@mantine/core';
import { useMutation, useQuery } from '@apollo/client/react';
import { IconAlertTriangle, IconKey, IconPencil, IconTrash } from '@tabler/icons-react';
import { useState } from 'react';
import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../common/ErrorAlert.tsx';
import { PageLoader } from '../common/PageLoader.tsx';
import { formatDateTime } from '../common/format.ts';
import {
  AI_PROVIDERS_QUERY,
  CLEAR_PROVIDER_KEY_MUTATION,
  SET_PROVIDER_KEY_MUTATION,
  UPDATE_PROVIDER_MUTATION,
  type AiProvider,
} from './ai-admin.graphql.ts';

/** The provider refused its current key: the last call failed on the key, after the key was set. */
export function keyRejected(provider: AiProvider): boolean {
  const last = provider.lastCall;
  if (!last || last.errorKind !== 'bad_key' || !provider.hasKey) return false;
  return !provider.keySetAt || Date.parse(last.at) >= Date.parse(provider.keySetAt);
}

function KeyStatus({ provider }: { provider: AiProvider }) {
  const { t, i18n } = useTranslation();
  if (provider.kind === 'OFFLINE') return <Text size="sm" c="dimmed">{t('aiAdmin.providers.noKeyNeeded')}</Text>;
  if (!provider.hasKey) return <Badge color="gray" variant="light" tt="none">{t('aiAdmin.providers.noKey')}</Badge>;
  if (provider.keyless) return <Badge color="teal" variant="light" tt="none">{t('aiAdmin.providers.keyless')}</Badge>;
  const label = provider.keyLast4 ? t('aiAdmin.providers.keySet', { last4: provider.keyLast4 }) : t('aiAdmin.providers.keySetShort');
  if (keyRejected(provider)) {
    return (
      <Tooltip label={t('aiAdmin.providers.keyRejectedHint', { date: formatDateTime(provider.lastCall!.at, i18n.language) })} multiline w={260}>
        <Badge color="red" variant="filled" leftSection={<IconAlertTriangle size={12} />}>
          {t('aiAdmin.providers.keyRejected')} · {label}
        </Badge>
      </Tooltip>
    );
  }
  return <Badge color="teal" variant="light" tt="none" style={{ overflow: 'visible' }}>{label}</Badge>;
}

function KeyModal({ provider, onClose }: { provider: AiProvider; onClose: () => void }) {
  const { t } = useTranslation();
  const [key, setKey] = useState('');
  const [save, { loading, error }] = useMutation(SET_PROVIDER_KEY_MUTATION);
  // An OpenAI-compatible server may take no key: saving the field empty says so.
  const mayBeKeyless = provider.kind === 'OPENAI_COMPATIBLE';
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const result = await save({ variables: { providerId: provider.id, key } }).catch(() => null);
    // The key leaves the page's memory as soon as it is stored.
    setKey('');
    if (result?.data) onClose();
  };
  return (
    <Modal opened onClose={onClose} title={t('aiAdmin.providers.setKeyTitle', { name: provider.name })}>
      <form onSubmit={(e) => void submit(e)}>
        <Stack>
          <PasswordInput
            label={t('aiAdmin.providers.keyLabel')}
            description={t('aiAdmin.providers.keyHelp')}
            value={key}
            onChange={(e) => setKey(e.currentTarget.value)}
            autoComplete="off"
            data-1p-ignore
            required={!mayBeKeyless}
            data-autofocus
          />
          {mayBeKeyless ? <Text size="xs" c="dimmed">{t('aiAdmin.providers.keyHelpLocal')}</Text> : null}
          <ErrorAlert error={error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>{t('aiAdmin.cancel')}</Button>
            <Button type="submit" loading={loading} disabled={!key.trim() && !mayBeKeyless}>
              {key.trim() || !mayBeKeyless ? t('aiAdmin.save') : t('aiAdmin.providers.saveKeyless')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

function EditModal({ provider, onClose }: { provider: AiProvider; onClose: () => void }) {
  const { t } = useTranslation();
  const [name, setName] = useState(provider.name);
  const [baseUrl, setBaseUrl] = useState(provider.baseUrl ?? '');
  const [active, setActive] = useState(provider.active);
  const [save, { loading, error }] = useMutation(UPDATE_PROVIDER_MUTATION);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const input = { name, active, ...(provider.kind === 'OFFLINE' ? {} : { baseUrl }) };
    const result = await save({ variables: { id: provider.id, input } }).catch(() => null);
    if (result?.data) onClose();
  };
  return (
    <Modal opened onClose={onClose} title={t('aiAdmin.providers.editTitle', { name: provider.name })}>
      <form onSubmit={(e) => void submit(e)}>
        <Stack>
          <TextInput label={t('aiAdmin.providers.nameLabel')} value={name} onChange={(e) => setName(e.currentTarget.value)} required />
          {provider.kind === 'OFFLINE' ? null : (
            <TextInput
              label={t('aiAdmin.providers.baseUrlLabel')}
              description={t('aiAdmin.providers.baseUrlHelp')}
              value={baseUrl}
              onChange={(e) => setBaseUrl(e.currentTarget.value)}
              required
              type="url"
            />
          )}
          <Switch label={t('aiAdmin.providers.activeLabel')} checked={active} onChange={(e) => setActive(e.currentTarget.checked)} />
          <ErrorAlert error={error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>{t('aiAdmin.cancel')}</Button>
            <Button type="submit" loading={loading}>{t('aiAdmin.save')}</Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

export function ProvidersPanel() {
  const { t } = useTranslation();
  const { data, loading, error, refetch } = useQuery(AI_PROVIDERS_QUERY, { fetchPolicy: 'cache-and-network' });
  const [clearKey, clearing] = useMutation(CLEAR_PROVIDER_KEY_MUTATION);
  const [editing, setEditing] = useState<{ provider: AiProvider; what: 'key' | 'edit' } | null>(null);

  if (loading && !data) return <PageLoader />;
  if (!data) return <ErrorAlert error={error} onRetry={() => void refetch()} />;
  const rejected = data.aiProviders.filter(keyRejected);

  return (
    <Stack>
      {rejected.map((p) => (
        <Alert key={p.id} color="red" variant="light" icon={<IconAlertTriangle size={18} />} title={`${p.name}: ${t('aiAdmin.providers.keyRejected')}`}>
          {p.lastCall?.error}
        </Alert>
      ))}
      <ErrorAlert error={clearing.error} />
      <Card withBorder radius="md" padding={0}>
        <Table.ScrollContainer minWidth={860}>
          <Table verticalSpacing="sm" horizontalSpacing="lg" aria-label={t('aiAdmin.tabs.providers')}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('aiAdmin.providers.name')}</Table.Th>
                <Table.Th>{t('aiAdmin.providers.kind')}</Table.Th>
                <Table.Th>{t('aiAdmin.providers.baseUrl')}</Table.Th>
                <Table.Th>{t('aiAdmin.providers.key')}</Table.Th>
                <Table.Th>{t('aiAdmin.providers.active')}</Table.Th>
                <Table.Th>{t('aiAdmin.providers.actions')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {data.aiProviders.map((provider) => (
                <Table.Tr key={provider.id} data-provider={provider.code}>
                  <Table.Td>
                    <Text fw={600} size="sm">{provider.name}</Text>
                    <Text size="xs" c="dimmed">{provider.code}</Text>
                  </Table.Td>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>
                    <Badge variant="outline" color="gray" tt="none" style={{ overflow: 'visible' }}>{t(`aiAdmin.providers.kinds.${provider.kind}`)}</Badge>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm" ff="monospace" style={{ wordBreak: 'break-all' }}>{provider.baseUrl ?? '—'}</Text>
                  </Table.Td>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>
                    <KeyStatus provider={provider} />
                  </Table.Td>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>
                    <Badge color={provider.active ? 'teal' : 'gray'} variant="dot" tt="none" style={{ overflow: 'visible' }}>{provider.active ? t('aiAdmin.providers.active') : '—'}</Badge>
                  </Table.Td>
                  <Table.Td>
                    <Group gap="xs" wrap="nowrap">
                      {provider.kind === 'OFFLINE' ? null : (
                        <Button size="compact-sm" variant="light" leftSection={<IconKey size={14} />} onClick={() => setEditing({ provider, what: 'key' })}
                          aria-label={`${provider.hasKey ? t('aiAdmin.providers.replaceKey') : t('aiAdmin.providers.setKey')}: ${provider.name}`}>
                          {provider.hasKey ? t('aiAdmin.providers.replaceKey') : t('aiAdmin.providers.setKey')}
                        </Button>
                      )}
                      <ActionIcon variant="subtle" onClick={() => setEditing({ provider, what: 'edit' })} aria-label={`${t('aiAdmin.providers.edit')}: ${provider.name}`}>
                        <IconPencil size={16} />
                      </ActionIcon>
                      {provider.hasKey ? (
                        <ActionIcon variant="subtle" color="red" loading={clearing.loading}
                          onClick={() => void clearKey({ variables: { providerId: provider.id } }).catch(() => undefined)}
                          aria-label={`${t('aiAdmin.providers.removeKey')}: ${provider.name}`}>
                          <IconTrash size={16} />
                        </ActionIcon>
                      ) : null}
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </Card>
      <Text size="xs" c="dimmed">{t('aiAdmin.providers.unusedHint')}</Text>
      {editing?.what === 'key' ? <KeyModal provider={editing.provider} onClose={() => setEditing(null)} /> : null}
      {editing?.what === 'edit' ? <EditModal provider={editing.provider} onClose={() => setEditing(null)} /> : null}
    </Stack>
  );
}
