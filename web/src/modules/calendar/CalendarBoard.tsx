import { useMemo, useRef } from 'react';
import FullCalendar from '@fullcalendar/react';
import dayGridPlugin from '@fullcalendar/daygrid';
import timeGridPlugin from '@fullcalendar/timegrid';
import listPlugin from '@fullcalendar/list';
import interactionPlugin from '@fullcalendar/interaction';
import frLocale from '@fullcalendar/core/locales/fr';
import type { DatesSetArg, EventClickArg, EventContentArg, EventDropArg } from '@fullcalendar/core';
import { Box } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { CalendarSlot } from './calendar.graphql.ts';
import { timingReason, toEvent, type SlotEvent, type SlotState } from './slot-view.ts';

export interface CalendarBoardProps {
  slots: CalendarSlot[];
  /** the visible range changed (view or navigation) */
  onRange(range: { from: string; to: string }): void;
  /** a slot was dropped on a new time: resolve to keep it there, reject to put it back */
  onMove(slot: CalendarSlot, scheduledAt: Date): Promise<void>;
  onOpen(slot: CalendarSlot): void;
}

// Stable props: FullCalendar re-renders (and reports its dates again) when an option changes identity.
const PLUGINS = [dayGridPlugin, timeGridPlugin, listPlugin, interactionPlugin];
const LOCALES = [frLocale];
const HEADER = { left: 'prev,next today', center: 'title', right: 'dayGridMonth,timeGridWeek,listMonth' };
const TIME_FORMAT = { hour: '2-digit', minute: '2-digit', hour12: false } as const;

/** FullCalendar (MIT core and plugins) in month, week and list views; drag to reschedule. */
export function CalendarBoard({ slots, onRange, onMove, onOpen }: CalendarBoardProps) {
  const { t, i18n } = useTranslation();
  const calendar = useRef<FullCalendar>(null);
  const channelLabel = (slot: CalendarSlot) => t(`channels.${slot.channel}`);
  const buttonText = useMemo(() => ({ today: t('calendar.today'), month: t('calendar.month'), week: t('calendar.week'), list: t('calendar.list') }), [t]);
  const events = useMemo<SlotEvent[]>(() => slots.map((slot) => toEvent(slot, t(`channels.${slot.channel}`), t)), [slots, t]);

  /** The event's inside, re-rendered whenever the slot changes (status colours, hover reason, test hooks). */
  function content(arg: EventContentArg) {
    const slot = arg.event.extendedProps.slot as CalendarSlot;
    const state = arg.event.extendedProps.state as SlotState;
    const reason = slot.timing ? timingReason(slot.timing, channelLabel(slot), t, i18n.language) : '';
    return (
      <div className="slot-event" data-slot-id={slot.id} data-state={state} title={[arg.event.title, t(`calendar.state.${state}`), reason].filter(Boolean).join('\n')}
        style={{ overflow: 'hidden', whiteSpace: 'nowrap', textOverflow: 'ellipsis', padding: '1px 3px' }}>
        <b>{arg.timeText}</b> {arg.event.title}
      </div>
    );
  }

  async function dropped(arg: EventDropArg) {
    const slot = arg.event.extendedProps.slot as CalendarSlot;
    try {
      await onMove(slot, arg.event.start!);
    } catch {
      arg.revert();
    }
  }

  return (
    <Box className="ensemble-calendar" data-testid="calendar-board">
      <FullCalendar
        ref={calendar}
        plugins={PLUGINS}
        initialView="dayGridMonth"
        locales={LOCALES}
        locale={i18n.language.startsWith('fr') ? 'fr' : 'en'}
        firstDay={1}
        headerToolbar={HEADER}
        buttonText={buttonText}
        height="auto"
        dayMaxEvents={4}
        editable
        eventDurationEditable={false}
        eventTimeFormat={TIME_FORMAT}
        slotLabelFormat={TIME_FORMAT}
        scrollTime="07:00:00"
        nowIndicator
        events={events}
        eventContent={content}
        eventDisplay="block"
        eventDrop={(arg) => void dropped(arg)}
        eventClick={(arg: EventClickArg) => {
          arg.jsEvent.preventDefault();
          onOpen(arg.event.extendedProps.slot as CalendarSlot);
        }}
        datesSet={(arg: DatesSetArg) => onRange({ from: arg.start.toISOString(), to: arg.end.toISOString() })}
      />
    </Box>
  );
}
