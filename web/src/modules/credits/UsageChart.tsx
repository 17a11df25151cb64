import { Badge, Card, Group, Stack, Text, Title } from '@mantine/core';
import { Bar, CartesianGrid, ComposedChart, Line, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { useTranslation } from 'react-i18next';
import { useBranding } from '../../branding/useBranding.ts';
import { formatDate, formatNumber, humanizeKey } from '../common/format.ts';
import type { CreditBalance, CreditUsage } from './credits.graphql.ts';

const KNOWN_TASKS = ['generation', 'batch', 'image', 'orchestration', 'speech_to_text', 'embeddings', 'moderation', 'other'] as const;
type KnownTask = (typeof KNOWN_TASKS)[number];

/** An axis top of 1, 2 or 5 × 10ⁿ at or above value. */
function niceCeil(value: number): number {
  const power = 10 ** Math.floor(Math.log10(Math.max(value, 1)));
  return ([1, 2, 5, 10].map((m) => m * power).find((candidate) => candidate >= value) ?? 10 * power);
}

/** Today in the client's time zone (YYYY-MM-DD): later days of the month have no use yet. */
function today(timeZone: string): string {
  try {
    return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
  } catch {
    return new Date().toISOString().slice(0, 10);
  }
}

/** The month's consumption: credits per day (bars) and running total (line) against the caps. */
export function UsageChart({ usage, balance }: { usage: CreditUsage; balance: CreditBalance }) {
  const { t, i18n } = useTranslation();
  const branding = useBranding();
  const now = today(usage.timeZone);
  let running = 0;
  const points = usage.days.map((day) => {
    running += day.consumed;
    const future = day.date > now;
    return { date: day.date, day: Number(day.date.slice(8, 10)), consumed: future ? null : day.consumed, cumulative: future ? null : running };
  });
  const taskLabel = (task: string) => ((KNOWN_TASKS as readonly string[]).includes(task) ? t(`credits.tasks.${task as KnownTask}`) : humanizeKey(task));
  const summary = t('credits.usageSummary', {
    total: formatNumber(usage.total, i18n.language),
    from: formatDate(`${usage.from}T12:00:00Z`, i18n.language),
    to: formatDate(`${usage.to}T12:00:00Z`, i18n.language),
  });
  const top = niceCeil(Math.max(running, balance.softCap ?? 0, balance.hardCap ?? 0) * 1.05);

  return (
    <Card withBorder radius="md" padding="lg" component="section" aria-labelledby="credits-usage-title">
      <Group justify="space-between" align="flex-start" mb="sm">
        <Stack gap={2}>
          <Title order={2} fz="lg" id="credits-usage-title">
            {t('credits.usage')}
          </Title>
          <Text size="sm" c="dimmed">
            {summary}
          </Text>
        </Stack>
        <Group gap="xs">
          {usage.byTask.map((task) => (
            <Badge key={task.task} variant="light" radius="sm" tt="none" color="gray">
              {taskLabel(task.task)} · {formatNumber(task.consumed, i18n.language)}
            </Badge>
          ))}
        </Group>
      </Group>
      <figure style={{ margin: 0, width: '100%', height: 260 }} role="img" aria-label={summary} data-testid="credits-usage-chart">
        <ResponsiveContainer width="100%" height="100%">
          <ComposedChart data={points} margin={{ top: 8, right: 8, bottom: 0, left: -12 }}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} stroke="var(--mantine-color-gray-2)" />
            <XAxis dataKey="day" tickLine={false} axisLine={false} fontSize={12} interval="preserveStartEnd" />
            <YAxis yAxisId="daily" tickLine={false} axisLine={false} fontSize={12} allowDecimals={false} />
            <YAxis yAxisId="total" orientation="right" tickLine={false} axisLine={false} fontSize={12} allowDecimals={false} domain={[0, top]} />
            <Tooltip
              labelFormatter={(_, payload) => formatDate(`${String(payload?.[0]?.payload?.date ?? '')}T12:00:00Z`, i18n.language)}
              formatter={(value, name) => [formatNumber(Number(value), i18n.language), name === 'consumed' ? t('credits.daily') : t('credits.cumulative')]}
            />
            <Bar yAxisId="daily" dataKey="consumed" name="consumed" fill={branding.primaryColor} radius={[3, 3, 0, 0]} isAnimationActive={false} />
            <Line yAxisId="total" dataKey="cumulative" name="cumulative" stroke={branding.accentColor} strokeWidth={2} dot={false} isAnimationActive={false} />
            {balance.softCap !== null ? (
              <ReferenceLine yAxisId="total" y={balance.softCap} stroke="var(--mantine-color-yellow-6)" strokeDasharray="6 4"
                label={{ value: t('credits.softCap'), position: 'insideTopLeft', fontSize: 11 }} />
            ) : null}
            {balance.hardCap !== null ? (
              <ReferenceLine yAxisId="total" y={balance.hardCap} stroke="var(--mantine-color-red-6)" strokeDasharray="6 4"
                label={{ value: t('credits.hardCap'), position: 'insideTopLeft', fontSize: 11 }} />
            ) : null}
          </ComposedChart>
        </ResponsiveContainer>
      </figure>
      <Group gap="lg" mt="xs">
        <Legend color={branding.primaryColor} label={t('credits.daily')} />
        <Legend color={branding.accentColor} label={t('credits.cumulative')} line />
      </Group>
    </Card>
  );
}

function Legend({ color, label, line = false }: { color: string; label: string; line?: boolean }) {
  return (
    <Group gap={6} wrap="nowrap">
      <span aria-hidden="true" style={{ width: 14, height: line ? 3 : 10, borderRadius: 2, background: color, display: 'inline-block' }} />
      <Text size="xs" c="dimmed">
        {label}
      </Text>
    </Group>
  );
}
