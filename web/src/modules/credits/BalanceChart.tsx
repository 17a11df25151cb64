import { Card, Group, Stack, Text, Title } from '@mantine/core';
import { Cell, Pie, PieChart, Tooltip } from 'recharts';
import { useTranslation } from 'react-i18next';
import { useBranding } from '../../branding/useBranding.ts';
import { formatNumber } from '../common/format.ts';
import type { CreditBalance } from './credits.graphql.ts';

export function BalanceChart({ balance }: { balance: CreditBalance }) {
  const { t, i18n } = useTranslation();
  const branding = useBranding();
  const segments = [
    { key: 'consumed', label: t('credits.consumed'), value: balance.consumed, color: branding.primaryColor },
    { key: 'reserved', label: t('credits.reserved'), value: balance.reserved, color: branding.accentColor },
    { key: 'available', label: t('credits.available'), value: balance.available, color: 'var(--mantine-color-teal-5)' },
  ];
  const total = segments.reduce((sum, s) => sum + s.value, 0);
  // Zero-sized slices would still draw their padding gap.
  const drawn = total > 0 ? segments.filter((s) => s.value > 0) : [{ key: 'empty', label: '', value: 1, color: 'var(--mantine-color-gray-2)' }];
  const usedShare = balance.budget > 0 ? Math.round(((balance.consumed + balance.reserved) / balance.budget) * 100) : 0;
  const summary = t('credits.chartSummary', {
    consumed: formatNumber(balance.consumed, i18n.language),
    reserved: formatNumber(balance.reserved, i18n.language),
    available: formatNumber(balance.available, i18n.language),
    budget: formatNumber(balance.budget, i18n.language),
  });

  return (
    <Card withBorder radius="md" padding="lg" component="section" aria-labelledby="credits-chart-title">
      <Title order={2} fz="lg" mb="md" id="credits-chart-title">
        {t('credits.breakdown')}
      </Title>
      <Group gap="xl" wrap="nowrap" align="center">
        <figure style={{ margin: 0, position: 'relative', width: 200, height: 200, flexShrink: 0 }} aria-label={summary} role="img">
          <PieChart width={200} height={200}>
            <Pie
              data={drawn}
              dataKey="value"
              nameKey="label"
              innerRadius={66}
              outerRadius={94}
              paddingAngle={drawn.length > 1 ? 2 : 0}
              startAngle={90}
              endAngle={-270}
              stroke="none"
              isAnimationActive={false}
            >
              {drawn.map((segment) => (
                <Cell key={segment.key} fill={segment.color} />
              ))}
            </Pie>
            {total > 0 ? <Tooltip formatter={(value) => formatNumber(Number(value), i18n.language)} /> : null}
          </PieChart>
          <Stack gap={0} align="center" justify="center" style={{ position: 'absolute', inset: 0, pointerEvents: 'none' }}>
            <Text fw={800} fz={28} lh={1}>
              {usedShare}%
            </Text>
            <Text size="xs" c="dimmed">
              {t('credits.used')}
            </Text>
          </Stack>
        </figure>
        <Stack gap="sm" style={{ flex: 1 }}>
          {segments.map((segment) => (
            <Group key={segment.key} justify="space-between" wrap="nowrap">
              <Group gap={8} wrap="nowrap">
                <span style={{ width: 12, height: 12, borderRadius: 3, background: segment.color, display: 'inline-block' }} aria-hidden="true" />
                <Text size="sm">{segment.label}</Text>
              </Group>
              <Text size="sm" fw={600}>
                {formatNumber(segment.value, i18n.language)}
              </Text>
            </Group>
          ))}
          <Group justify="space-between" pt={6} style={{ borderTop: '1px solid var(--mantine-color-gray-2)' }}>
            <Text size="sm" c="dimmed">
              {t('credits.budget')}
            </Text>
            <Text size="sm" fw={700}>
              {formatNumber(balance.budget, i18n.language)}
            </Text>
          </Group>
        </Stack>
      </Group>
    </Card>
  );
}
