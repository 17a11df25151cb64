import { Badge, Box, Button, Card, Divider, Group, Stack, Text, Textarea, Title } from '@mantine/core';
import { useMutation } from '@apollo/client/react';
import { IconCheck, IconLink, IconMessage, IconPencil, IconRefresh } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSession } from '../auth/useSession.ts';
import { ErrorAlert } from '../common/ErrorAlert.tsx';
import { formatDateTime } from '../common/format.ts';
import { STATE_COLORS } from '../calendar/slot-view.ts';
import { APPROVE_ITEM_MUTATION, COMMENT_MUTATION, REGENERATE_ITEM_MUTATION, REQUEST_CHANGES_MUTATION, type Approval } from './approvals.graphql.ts';
import { ExternalLinkModal } from './ExternalLinkModal.tsx';

/** One round: the text under review, its thread, and what the viewer's role lets them do. */
export function ApprovalDetail({ approval, onRegenerated }: { approval: Approval; onRegenerated(id: string): void }) {
  const { t, i18n } = useTranslation();
  const { can } = useSession();
  const [comment, setComment] = useState('');
  const [linkOpen, setLinkOpen] = useState(false);
  const [approve, approving] = useMutation(APPROVE_ITEM_MUTATION);
  const [requestChanges, requesting] = useMutation(REQUEST_CHANGES_MUTATION);
  const [regenerate, regenerating] = useMutation(REGENERATE_ITEM_MUTATION);
  const [addComment, commenting] = useMutation(COMMENT_MUTATION);
  const pending = approval.status === 'PENDING';
  const busy = approving.loading || requesting.loading || regenerating.loading || commenting.loading;
  const error = approving.error ?? requesting.error ?? regenerating.error ?? commenting.error;
  const text = comment.trim();
  const done = () => setComment('');

  return (
    <Card withBorder radius="md" p="lg" data-testid="approval-detail">
      <Stack gap="md">
        <Group justify="space-between" align="flex-start" wrap="nowrap">
          <Stack gap={4}>
            <Title order={2} fz="lg">{approval.item.title}</Title>
            <Text size="sm" c="dimmed">
              {t(`channels.${approval.item.channel}`)} · {t('approvals.version', { version: approval.version })}
              {approval.scheduledAt ? ` · ${formatDateTime(approval.scheduledAt, i18n.language)}` : ''}
            </Text>
          </Stack>
          <Badge color={STATE_COLORS[approval.status]} variant="light" size="lg" data-testid="approval-status">{t(`calendar.state.${approval.status}`)}</Badge>
        </Group>
        <Group gap="lg">
          {approval.expiresAt && pending ? <Text size="xs" c="dimmed">{t('approvals.expires', { at: formatDateTime(approval.expiresAt, i18n.language) })}</Text> : null}
          {approval.remindersSent > 0 ? <Text size="xs" c="dimmed">{t('approvals.remindedInApp', { count: approval.remindersSent })}</Text> : null}
          {approval.decidedBy ? <Text size="xs" c="dimmed">{t('approvals.decidedBy', { who: approval.decidedBy, at: formatDateTime(approval.decidedAt, i18n.language) })}</Text> : null}
        </Group>
        <Box p="md" bg="var(--mantine-color-gray-0)" style={{ borderRadius: 8, whiteSpace: 'pre-wrap', maxHeight: 360, overflow: 'auto' }}>
          <Text size="sm">{approval.body}</Text>
        </Box>

        <Divider label={t('approvals.thread')} labelPosition="left" />
        {approval.comments.length === 0 ? <Text size="sm" c="dimmed">{t('approvals.noComments')}</Text> : null}
        {approval.comments.map((c) => (
          <Stack key={c.id} gap={2}>
            <Group gap="xs">
              <Text size="sm" fw={600}>{c.authorName}</Text>
              {c.external ? <Badge size="xs" variant="outline">{t('approvals.external')}</Badge> : null}
              <Text size="xs" c="dimmed">{formatDateTime(c.createdAt, i18n.language)}</Text>
            </Group>
            <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>{c.body}</Text>
          </Stack>
        ))}

        {pending ? (
          <>
            <Textarea label={t('approvals.comment')} placeholder={t('approvals.commentHint')} autosize minRows={2} value={comment} onChange={(e) => setComment(e.currentTarget.value)} />
            <ErrorAlert error={error} />
            <Group gap="sm">
              {can('content:publish') ? (
                <>
                  <Button color="teal" leftSection={<IconCheck size={16} />} loading={approving.loading} disabled={busy}
                    onClick={() => void approve({ variables: { approvalId: approval.id, note: text || null } }).then(done).catch(() => null)}>
                    {t('approvals.approve')}
                  </Button>
                  <Button color="red" variant="light" leftSection={<IconPencil size={16} />} loading={requesting.loading} disabled={busy || !text}
                    onClick={() => void requestChanges({ variables: { approvalId: approval.id, comment: text } }).then(done).catch(() => null)}>
                    {t('approvals.requestChanges')}
                  </Button>
                </>
              ) : null}
              {can('content:write') ? (
                <>
                  <Button variant="light" leftSection={<IconRefresh size={16} />} loading={regenerating.loading} disabled={busy}
                    onClick={() => void regenerate({ variables: { approvalId: approval.id, comment: text || null } })
                      .then((result) => {
                        done();
                        if (result.data) onRegenerated(result.data.regenerateItem.id);
                      }).catch(() => null)}>
                    {t('approvals.regenerate')}
                  </Button>
                  <Button variant="subtle" leftSection={<IconMessage size={16} />} loading={commenting.loading} disabled={busy || !text}
                    onClick={() => void addComment({ variables: { approvalId: approval.id, body: text } }).then(done).catch(() => null)}>
                    {t('approvals.addComment')}
                  </Button>
                </>
              ) : null}
              {can('content:publish') ? (
                <Button variant="default" leftSection={<IconLink size={16} />} onClick={() => setLinkOpen(true)} ml="auto">
                  {t('approvals.link.open')}
                </Button>
              ) : null}
            </Group>
            {!can('content:publish') ? <Text size="xs" c="dimmed">{t('approvals.cannotDecide')}</Text> : null}
          </>
        ) : null}
      </Stack>
      <ExternalLinkModal itemId={approval.item.id} opened={linkOpen} onClose={() => setLinkOpen(false)} />
    </Card>
  );
}
