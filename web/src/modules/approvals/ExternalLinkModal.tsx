import { Alert, Button, Group, Modal, NumberInput, Stack, Text, TextInput } from '@mantine/core';
import { useMutation } from '@apollo/client/react';
import { IconLink } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { CopyValueButton } from '../common/CopyValueButton.tsx';
import { ErrorAlert } from '../common/ErrorAlert.tsx';
import { formatDateTime } from '../common/format.ts';
import { CREATE_APPROVAL_LINK_MUTATION } from './approvals.graphql.ts';

/** Creates a signed, expiring, single-use link for someone without an account. */
export function ExternalLinkModal({ itemId, opened, onClose }: { itemId: string; opened: boolean; onClose(): void }) {
  const { t, i18n } = useTranslation();
  const [email, setEmail] = useState('');
  const [hours, setHours] = useState<number>(72);
  const [create, { data, loading, error, reset }] = useMutation(CREATE_APPROVAL_LINK_MUTATION);
  const link = data?.createApprovalLink;
  // The link opens on the domain the person uses now (white-label domains included).
  const url = link ? `${window.location.origin}${link.path}` : '';
  const close = () => {
    reset();
    onClose();
  };
  return (
    <Modal opened={opened} onClose={close} title={t('approvals.link.title')} closeButtonProps={{ 'aria-label': t('common.close') }}>
      <Stack gap="md">
        <Text size="sm" c="dimmed">{t('approvals.link.explain')}</Text>
        {link ? (
          <Alert color="teal" variant="light" icon={<IconLink size={18} />} title={t('approvals.link.ready')}>
            <Stack gap="xs">
              <TextInput value={url} readOnly aria-label={t('approvals.link.url')} data-testid="approval-link-url" onFocus={(e) => e.currentTarget.select()} />
              <Group justify="space-between">
                <Text size="xs">{t('approvals.link.expires', { at: formatDateTime(link.expiresAt, i18n.language) })}</Text>
                <CopyValueButton value={url} />
              </Group>
            </Stack>
          </Alert>
        ) : (
          <>
            <TextInput label={t('approvals.link.email')} description={t('approvals.link.emailHint')} type="email" value={email} onChange={(e) => setEmail(e.currentTarget.value)} />
            <NumberInput label={t('approvals.link.hours')} min={1} max={336} value={hours} onChange={(value) => setHours(Number(value) || 72)} />
            <ErrorAlert error={error} />
            <Group justify="flex-end">
              <Button loading={loading} leftSection={<IconLink size={16} />}
                onClick={() => void create({ variables: { itemId, email: email.trim() || null, expiresInHours: hours } }).catch(() => null)}>
                {t('approvals.link.create')}
              </Button>
            </Group>
          </>
        )}
      </Stack>
    </Modal>
  );
}
