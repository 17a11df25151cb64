import { Badge, Card, Group, Loader, Select, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@apollo/client/react';
import { IconSparkles } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../common/ErrorAlert.tsx';
import { CHANNELS, type Channel } from '../studio/studio.graphql.ts';
import { OPTIMAL_SLOTS_QUERY } from './calendar.graphql.ts';
import { timingReason } from './slot-view.ts';

/** A channel's best posting times, learned from the client's engagement (or the defaults, and why). */
export function BestTimes({ channel, onChannel }: { channel: Channel; onChannel(channel: Channel): void }) {
  const { t, i18n } = useTranslation();
  const { data, loading, error } = useQuery(OPTIMAL_SLOTS_QUERY, { variables: { channel } });
  const result = data?.optimalSlots;
  return (
    <Card withBorder radius="md" p="lg" data-testid="best-times">
      <Stack gap="sm">
        <Group justify="space-between" gap="xs">
          <Group gap="xs" wrap="nowrap">
            <IconSparkles size={18} />
            <Title order={2} fz="md">{t('calendar.bestTimes.title')}</Title>
          </Group>
          {result ? <Badge variant="light" color={result.source === 'LEARNED' ? 'teal' : 'gray'}>{t(`calendar.bestTimes.${result.source === 'LEARNED' ? 'learned' : 'defaults'}`)}</Badge> : null}
        </Group>
        <Select
          aria-label={t('calendar.bestTimes.channel')}
          data={CHANNELS.map((c) => ({ value: c, label: t(`channels.${c}`) }))}
          value={channel}
          onChange={(value) => value && onChannel(value as Channel)}
          allowDeselect={false}
        />
        {loading && !data ? <Loader size="sm" /> : null}
        <ErrorAlert error={error} />
        {result ? (
          <Stack gap="xs">
            <Text size="xs" c="dimmed">{t('calendar.bestTimes.basis', { weeks: result.weeks, posts: result.totalPosts, zone: result.timeZone })}</Text>
            {result.slots.map((slot, index) => (
              <Group key={`${slot.weekday}-${slot.hour}`} gap="sm" wrap="nowrap" align="flex-start">
                <Badge variant={index === 0 ? 'filled' : 'light'} color="teal" miw={28}>{index + 1}</Badge>
                <Text size="sm">{timingReason(slot.timing, t(`channels.${channel}`), t, i18n.language)}</Text>
              </Group>
            ))}
          </Stack>
        ) : null}
      </Stack>
    </Card>
  );
}
