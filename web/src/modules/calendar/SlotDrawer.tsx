import { Anchor, Badge, Drawer, Group, Stack, Text } from '@mantine/core';
import { IconClockHour4 } from '@tabler/icons-react';
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import { formatDateTime } from '../common/format.ts';
import type { CalendarSlot } from './calendar.graphql.ts';
import { STATE_COLORS, slotState, timingReason } from './slot-view.ts';

/** A slot's details: its item, approval status and why it sits at its time. */
export function SlotDrawer({ slot, onClose }: { slot: CalendarSlot | null; onClose(): void }) {
  const { t, i18n } = useTranslation();
  const state = slot ? slotState(slot) : 'EMPTY';
  return (
    <Drawer opened={slot !== null} onClose={onClose} position="right" title={slot ? t(`channels.${slot.channel}`) : ''} closeButtonProps={{ 'aria-label': t('common.close') }}>
      {slot ? (
        <Stack gap="md" data-testid="slot-details">
          <Text fw={600}>{slot.item?.title ?? t('calendar.notWritten')}</Text>
          <Group gap="xs">
            <Badge color={STATE_COLORS[state]} variant="light">{t(`calendar.state.${state}`)}</Badge>
            {slot.item ? <Badge color="gray" variant="outline">{t(`contentStatus.${slot.item.status}`)}</Badge> : null}
          </Group>
          <Text size="sm">{formatDateTime(slot.scheduledAt, i18n.language)}</Text>
          {slot.timing ? (
            <Group gap="xs" wrap="nowrap" align="flex-start">
              <IconClockHour4 size={18} style={{ flexShrink: 0, marginTop: 2 }} />
              <Text size="sm" data-testid="slot-reason">{timingReason(slot.timing, t(`channels.${slot.channel}`), t, i18n.language)}</Text>
            </Group>
          ) : null}
          {slot.unfilledReason ? <Text size="sm" c="orange">{t('calendar.unfilled', { reason: slot.unfilledReason.replace(/_/g, ' ') })}</Text> : null}
          {!slot.movable ? <Text size="sm" c="dimmed">{t('calendar.notMovable')}</Text> : null}
          {slot.approvalId ? (
            <Anchor component={Link} to={`/approvals?approval=${slot.approvalId}`} size="sm">{t('calendar.openApproval')}</Anchor>
          ) : null}
        </Stack>
      ) : null}
    </Drawer>
  );
}
