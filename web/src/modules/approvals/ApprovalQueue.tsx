import { Badge, Card, Group, Stack, Text, UnstyledButton } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { formatDateTime } from '../common/format.ts';
import { STATE_COLORS } from '../calendar/slot-view.ts';
import type { Approval } from './approvals.graphql.ts';

export function ApprovalQueue({ approvals, selectedId, onSelect }: { approvals: Approval[]; selectedId: string | null; onSelect(id: string): void }) {
  const { t, i18n } = useTranslation();
  if (approvals.length === 0) return <Text c="dimmed" size="sm">{t('approvals.empty')}</Text>;
  return (
    <Stack gap="xs" data-testid="approval-queue">
      {approvals.map((approval) => (
        <UnstyledButton key={approval.id} onClick={() => onSelect(approval.id)} aria-current={approval.id === selectedId ? 'true' : undefined} data-approval-id={approval.id}>
          <Card withBorder radius="md" p="sm" bg={approval.id === selectedId ? 'var(--mantine-color-blue-0)' : undefined}>
            <Group justify="space-between" wrap="nowrap" gap="xs">
              <Text fw={600} size="sm" lineClamp={1}>{approval.item.title}</Text>
              <Badge size="sm" variant="light" color={STATE_COLORS[approval.status]}>{t(`calendar.state.${approval.status}`)}</Badge>
            </Group>
            <Group gap="xs" mt={4}>
              <Text size="xs" c="dimmed">{t(`channels.${approval.item.channel}`)}</Text>
              {approval.scheduledAt ? <Text size="xs" c="dimmed">· {formatDateTime(approval.scheduledAt, i18n.language)}</Text> : null}
              {approval.remindersSent > 0 ? <Badge size="xs" color="yellow" variant="light">{t('approvals.reminders', { count: approval.remindersSent })}</Badge> : null}
            </Group>
          </Card>
        </UnstyledButton>
      ))}
    </Stack>
  );
}
