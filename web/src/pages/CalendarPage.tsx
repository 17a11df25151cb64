import { Grid, Paper } from '@mantine/core';
import { useMutation, useQuery, useSubscription } from '@apollo/client/react';
import { useCallback, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../modules/common/ErrorAlert.tsx';
import { PageHeader } from '../modules/common/PageHeader.tsx';
import { APPROVAL_EVENTS_SUBSCRIPTION } from '../modules/approvals/approvals.graphql.ts';
import { BestTimes } from '../modules/calendar/BestTimes.tsx';
import { CalendarBoard } from '../modules/calendar/CalendarBoard.tsx';
import { CalendarLegend } from '../modules/calendar/CalendarLegend.tsx';
import { SlotDrawer } from '../modules/calendar/SlotDrawer.tsx';
import { CALENDAR_QUERY, RESCHEDULE_SLOT_MUTATION, type CalendarSlot } from '../modules/calendar/calendar.graphql.ts';
import type { Channel } from '../modules/studio/studio.graphql.ts';

export function CalendarPage() {
  const { t } = useTranslation();
  const [range, setRange] = useState<{ from: string; to: string } | null>(null);
  const [open, setOpen] = useState<CalendarSlot | null>(null);
  const [moveError, setMoveError] = useState<unknown>(null);
  const [channel, setChannel] = useState<Channel | null>(null);
  const calendar = useQuery(CALENDAR_QUERY, { variables: range ?? { from: '', to: '' }, skip: !range, fetchPolicy: 'cache-and-network' });
  const [reschedule] = useMutation(RESCHEDULE_SLOT_MUTATION);
  // Approval decisions (here or through an external link) recolour the slots live.
  useSubscription(APPROVAL_EVENTS_SUBSCRIPTION, { onData: () => void calendar.refetch() });

  const slots = calendar.data?.calendar ?? [];
  const bestChannel: Channel = channel ?? slots[0]?.channel ?? 'INSTAGRAM';

  // FullCalendar reports its range after every render: keep the state when nothing changed.
  const changeRange = useCallback((next: { from: string; to: string }) => {
    setRange((current) => (current && current.from === next.from && current.to === next.to ? current : next));
  }, []);

  async function move(slot: CalendarSlot, scheduledAt: Date) {
    setMoveError(null);
    try {
      await reschedule({ variables: { slotId: slot.id, scheduledAt: scheduledAt.toISOString() } });
    } catch (error) {
      setMoveError(error);
      throw error;
    }
  }

  return (
    <>
      <PageHeader title={t('calendar.title')} description={t('calendar.subtitle')} />
      {moveError ? <ErrorAlert error={moveError} title={t('calendar.moveFailed')} /> : null}
      {calendar.error && !calendar.data ? <ErrorAlert error={calendar.error} onRetry={() => void calendar.refetch()} /> : null}
      <Grid gap="lg" mt={moveError ? 'md' : 0}>
        <Grid.Col span={{ base: 12, xl: 9 }}>
          <Paper withBorder radius="md" p="md">
            <CalendarLegend />
            <CalendarBoard slots={slots} onRange={changeRange} onMove={move} onOpen={setOpen} />
          </Paper>
        </Grid.Col>
        <Grid.Col span={{ base: 12, xl: 3 }}>
          <BestTimes channel={bestChannel} onChannel={setChannel} />
        </Grid.Col>
      </Grid>
      <SlotDrawer slot={open ? (slots.find((s) => s.id === open.id) ?? open) : null} onClose={() => setOpen(null)} />
    </>
  );
}
