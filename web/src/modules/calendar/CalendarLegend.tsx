import { Group, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { stateColor, type SlotState } from './slot-view.ts';

const SHOWN: SlotState[] = ['EMPTY', 'PENDING', 'CHANGES_REQUESTED', 'APPROVED', 'AUTO_APPROVED', 'EXPIRED', 'PUBLISHED'];

export function CalendarLegend() {
  const { t } = useTranslation();
  return (
    <Group gap="md" mb="sm" aria-label={t('calendar.legend')}>
      {SHOWN.map((state) => (
        <Group key={state} gap={6} wrap="nowrap">
          <span style={{ width: 12, height: 12, borderRadius: 3, background: stateColor(state), display: 'inline-block' }} />
          <Text size="xs">{t(`calendar.state.${state}`)}</Text>
        </Group>
      ))}
    </Group>
  );
}
