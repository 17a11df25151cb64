// The client's publishing channels and the account behind each: connect one
// with a form (own SMTP server or the relay, Twilio, a signed webhook),
// replace it, or disconnect it. A webhook's signing secret is shown once.
import { Alert, Badge, Button, Card, Group, Modal, PasswordInput, SegmentedControl, Stack, Table, Text, TextInput } from '@mantine/core';
import { useMutation } from '@apollo/client/react';
import { IconPlugConnected, IconPlugConnectedX } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { CopyValueButton } from '../common/CopyValueButton.tsx';
import { describeError } from '../../apollo/errors.ts';
import { ErrorAlert } from '../common/ErrorAlert.tsx';
import { CONNECT_CHANNEL_MUTATION, DISCONNECT_CHANNEL_MUTATION, PUBLICATIONS_OVERVIEW_QUERY } from './publication.graphql.ts';
import type { ConnectChannelInput, FormConnector, PublishingChannel } from './publication.graphql.ts';

const REFETCH = { refetchQueries: [{ query: PUBLICATIONS_OVERVIEW_QUERY }], awaitRefetchQueries: true };
const EMPTY = { displayName: '', url: '', from: '', accountSid: '', authToken: '' };

function inputOf(connector: FormConnector, form: typeof EMPTY): ConnectChannelInput {
  const common = { connector, displayName: form.displayName };
  if (connector === 'SMTP') return { ...common, url: form.url || null, from: form.from || null };
  if (connector === 'TWILIO') return { ...common, accountSid: form.accountSid, authToken: form.authToken, from: form.from };
  return { ...common, url: form.url };
}

function ConnectModal({ channel, onClose }: { channel: PublishingChannel; onClose: () => void }) {
  const { t } = useTranslation();
  const [connector, setConnector] = useState<FormConnector>(channel.connectable[0]!);
  const [form, setForm] = useState(EMPTY);
  const [secret, setSecret] = useState<string | null>(null);
  const [connect, { loading, error, reset }] = useMutation(CONNECT_CHANNEL_MUTATION, REFETCH);
  const problem = error ? describeError(error) : null;
  const fieldError = (field: string) => (problem?.field === field ? (problem.detail ?? t('errors.badInput')) : undefined);
  const shownOnField = problem?.field !== undefined && ['displayName', 'url', 'from', 'accountSid', 'authToken'].includes(problem.field);
  const set = (patch: Partial<typeof EMPTY>) => {
    reset();
    setForm((f) => ({ ...f, ...patch }));
  };
  const channelLabel = t(`channels.${channel.channel}`, { defaultValue: channel.channel });

  return (
    <Modal opened onClose={onClose} title={t('publications.connect.title', { channel: channelLabel })} closeButtonProps={{ 'aria-label': t('common.close') }}>
      {secret ? (
        <Stack gap="md">
          <Alert color="teal" variant="light" title={t('publications.connect.secretTitle')}>
            <Stack gap="xs">
              <Text size="sm">{t('publications.connect.secretHelp')}</Text>
              <TextInput value={secret} readOnly aria-label={t('publications.connect.secret')} onFocus={(e) => e.currentTarget.select()} />
              <Group justify="flex-end">
                <CopyValueButton value={secret} />
              </Group>
            </Stack>
          </Alert>
          <Group justify="flex-end"><Button onClick={onClose}>{t('publications.connect.done')}</Button></Group>
        </Stack>
      ) : (
        <form
          aria-label={t('publications.connect.form')}
          onSubmit={async (event) => {
            event.preventDefault();
            const answer = await connect({ variables: { channelId: channel.channelId, input: inputOf(connector, form) } }).catch(() => null);
            if (!answer?.data) return;
            if (answer.data.connectChannel.signingSecret) setSecret(answer.data.connectChannel.signingSecret);
            else onClose();
          }}
        >
          <Stack gap="sm">
            {channel.connectable.length > 1 ? (
              <SegmentedControl
                aria-label={t('publications.connect.connector')}
                value={connector}
                onChange={(value) => { reset(); setConnector(value as FormConnector); }}
                data={channel.connectable.map((code) => ({ value: code, label: t(`publications.connect.kind.${code}`) }))}
              />
            ) : null}
            <Text size="sm" c="dimmed">{t(`publications.connect.help.${connector}`)}</Text>
            <TextInput label={t('publications.connect.displayName')} value={form.displayName} onChange={(e) => set({ displayName: e.currentTarget.value })} error={fieldError('displayName')} required data-autofocus />
            {connector === 'SMTP' ? (
              <>
                <PasswordInput label={t('publications.connect.smtpUrl')} description={t('publications.connect.smtpUrlHelp')} placeholder="smtps://user:password@smtp.example.com:465"
                  value={form.url} onChange={(e) => set({ url: e.currentTarget.value })} error={fieldError('url')} />
                <TextInput label={t('publications.connect.sender')} placeholder="Maison Lumière <lettre@maison-lumiere.fr>" value={form.from} onChange={(e) => set({ from: e.currentTarget.value })} error={fieldError('from')} />
              </>
            ) : null}
            {connector === 'TWILIO' ? (
              <>
                <TextInput label={t('publications.connect.accountSid')} placeholder="AC…" value={form.accountSid} onChange={(e) => set({ accountSid: e.currentTarget.value })} error={fieldError('accountSid')} required />
                <PasswordInput label={t('publications.connect.authToken')} value={form.authToken} onChange={(e) => set({ authToken: e.currentTarget.value })} error={fieldError('authToken')} required />
                <TextInput label={t('publications.connect.number')} placeholder="+33612345678" value={form.from} onChange={(e) => set({ from: e.currentTarget.value })} error={fieldError('from')} required />
              </>
            ) : null}
            {connector === 'WEBHOOK' ? (
              <TextInput label={t('publications.connect.endpoint')} placeholder="https://" value={form.url} onChange={(e) => set({ url: e.currentTarget.value })} error={fieldError('url')} required />
            ) : null}
            {error && !shownOnField ? <ErrorAlert error={error} /> : null}
            <Group justify="flex-end">
              <Button type="submit" loading={loading} leftSection={<IconPlugConnected size={16} />}>{t('publications.connect.submit')}</Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}

export function ChannelConnections({ channels, canConnect }: { channels: PublishingChannel[]; canConnect: boolean }) {
  const { t } = useTranslation();
  const [connecting, setConnecting] = useState<PublishingChannel | null>(null);
  const [disconnect, disconnecting] = useMutation(DISCONNECT_CHANNEL_MUTATION, REFETCH);
  const [leaving, setLeaving] = useState<string | null>(null);
  return (
    <Card withBorder radius="md" padding="md" mb="lg">
      <Text size="sm" fw={600} mb="xs">{t('publications.channelsTitle')}</Text>
      <Table verticalSpacing={4} aria-label={t('publications.channelsTitle')}>
        <Table.Tbody>
          {channels.map((c) => {
            const label = t(`channels.${c.channel}`, { defaultValue: c.channel });
            const ownAccount = c.connector !== null && c.connector !== 'site';
            return (
              <Table.Tr key={c.channelId} data-channel={c.channel}>
                <Table.Td>
                  <Text size="sm" fw={500}>{label}</Text>
                  <Text size="xs" c="dimmed">{c.name}</Text>
                  {c.overdue > 0 ? <Text size="xs" c="orange.8">{t('publications.overdue', { count: c.overdue })}</Text> : null}
                </Table.Td>
                <Table.Td>
                  {c.connector ? (
                    <Group gap={6}>
                      <Badge variant="light" color={c.connectionStatus === 'active' ? 'teal' : 'red'}>{t(`publications.connectors.${c.connector}`, { defaultValue: c.connector })}</Badge>
                      {c.connectionName ? <Text size="xs" c="dimmed">{c.connectionName}</Text> : null}
                    </Group>
                  ) : (
                    <Badge variant="outline" color="gray">{t('publications.noConnector')}</Badge>
                  )}
                </Table.Td>
                <Table.Td>
                  {canConnect ? (
                    <Group gap="xs" justify="flex-end">
                      {c.connectable.length > 0 ? (
                        <Button size="xs" variant="light" leftSection={<IconPlugConnected size={14} />} onClick={() => setConnecting(c)}
                          aria-label={t(ownAccount ? 'publications.connect.changeLabel' : 'publications.connect.openLabel', { channel: label })}>
                          {ownAccount ? t('publications.connect.change') : t('publications.connect.open')}
                        </Button>
                      ) : null}
                      {ownAccount ? (
                        <Button size="xs" variant="subtle" color="red" leftSection={<IconPlugConnectedX size={14} />} loading={disconnecting.loading && leaving === c.channelId}
                          aria-label={t('publications.connect.disconnectLabel', { channel: label })}
                          onClick={() => {
                            if (!window.confirm(t('publications.connect.confirmDisconnect', { channel: label }))) return;
                            setLeaving(c.channelId);
                            void disconnect({ variables: { channelId: c.channelId } }).catch(() => null);
                          }}>
                          {t('publications.connect.disconnect')}
                        </Button>
                      ) : null}
                    </Group>
                  ) : null}
                </Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
      <ErrorAlert error={disconnecting.error} />
      {connecting ? <ConnectModal key={connecting.channelId} channel={connecting} onClose={() => setConnecting(null)} /> : null}
    </Card>
  );
}
