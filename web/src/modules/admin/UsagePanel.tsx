import { Badge, Card, Group, SegmentedControl, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@apollo/client/react';
import { useMemo, useState } from 'react';
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { useTranslation } from 'react-i18next';
import { useBranding } from '../../branding/useBranding.ts';
import { ErrorAlert } from '../common/ErrorAlert.tsx';
import { PageLoader } from '../common/PageLoader.tsx';
import { formatDateTime, formatNumber } from '../common/format.ts';
import { AI_USAGE_QUERY, type AiCallOutcome, type AiUsageRow } from './ai-admin.graphql.ts';

type Metric = 'cost' | 'tokens';
const DAY = 86_400_000;

function formatMoney(minor: number, currency: string, language: string): string {
  return new Intl.NumberFormat(language, { style: 'currency', currency, maximumFractionDigits: 2 }).format(minor / 100);
}

/** One chart of a grouping; rows are labelled with their currency when several are mixed. */
function UsageChart({ id, title, rows, metric }: { id: string; title: string; rows: AiUsageRow[]; metric: Metric }) {
  const { t, i18n } = useTranslation();
  const branding = useBranding();
  const mixed = new Set(rows.map((r) => r.currency)).size > 1;
  const points = rows.slice(0, 12).map((r) => ({
    label: mixed ? `${r.label} (${r.currency})` : r.label,
    cost: r.costMinor / 100,
    currency: r.currency,
    input: r.inputTokens,
    output: r.outputTokens,
  }));
  const group = title.toLowerCase();
  const summary = t('aiAdmin.usage.chartLabel', { metric: t(`aiAdmin.usage.${metric}`), group });
  return (
    <Card withBorder radius="md" padding="lg" component="section" aria-labelledby={id}>
      <Title order={3} fz="md" mb="sm" id={id}>{title}</Title>
      {points.length === 0 ? (
        <Text size="sm" c="dimmed">{t('aiAdmin.usage.empty')}</Text>
      ) : points.every((p) => (metric === 'cost' ? p.cost : p.input + p.output) === 0) ? (
        <Text size="sm" c="dimmed">{t(metric === 'cost' ? 'aiAdmin.usage.allFree' : 'aiAdmin.usage.noTokens')}</Text>
      ) : (
        <figure style={{ margin: 0, width: '100%', height: Math.max(160, points.length * 38 + 40) }} role="img" aria-label={summary} data-testid={`${id}-chart`}>
          <ResponsiveContainer width="100%" height="100%">
            <BarChart data={points} layout="vertical" margin={{ top: 4, right: 16, bottom: 4, left: 8 }}>
              <CartesianGrid strokeDasharray="3 3" horizontal={false} stroke="var(--mantine-color-gray-2)" />
              <XAxis type="number" tickLine={false} axisLine={false} fontSize={12} allowDecimals={metric === 'cost'}
                tickFormatter={(v: number) => (metric === 'cost' ? formatMoney(v * 100, points[0]!.currency, i18n.language) : new Intl.NumberFormat(i18n.language, { notation: 'compact' }).format(v))} />
              <YAxis type="category" dataKey="label" width={170} tickLine={false} axisLine={false} fontSize={12} />
              <Tooltip
                formatter={(value, name, item) => {
                  const n = Number(value);
                  if (name === 'cost') return [formatMoney(n * 100, String((item?.payload as { currency?: string } | undefined)?.currency ?? 'USD'), i18n.language), t('aiAdmin.usage.cost')];
                  return [formatNumber(n, i18n.language), name === 'input' ? t('aiAdmin.usage.inputTokens') : t('aiAdmin.usage.outputTokens')];
                }}
              />
              {metric === 'cost' ? (
                <Bar dataKey="cost" name="cost" fill={branding.primaryColor} radius={[0, 3, 3, 0]} isAnimationActive={false} />
              ) : (
                [
                  <Bar key="input" dataKey="input" name="input" stackId="tokens" fill={branding.primaryColor} isAnimationActive={false} />,
                  <Bar key="output" dataKey="output" name="output" stackId="tokens" fill={branding.accentColor} radius={[0, 3, 3, 0]} isAnimationActive={false} />,
                ]
              )}
            </BarChart>
          </ResponsiveContainer>
        </figure>
      )}
      {metric === 'tokens' && points.length > 0 ? (
        <Group gap="lg" mt="xs">
          <Legend color={branding.primaryColor} label={t('aiAdmin.usage.inputTokens')} />
          <Legend color={branding.accentColor} label={t('aiAdmin.usage.outputTokens')} />
        </Group>
      ) : null}
    </Card>
  );
}

function Legend({ color, label }: { color: string; label: string }) {
  return (
    <Group gap={6} wrap="nowrap">
      <span style={{ width: 12, height: 12, borderRadius: 3, background: color, display: 'inline-block' }} aria-hidden="true" />
      <Text size="xs" c="dimmed">{label}</Text>
    </Group>
  );
}

function UsageTable({ label, rows }: { label: string; rows: AiUsageRow[] }) {
  const { t, i18n } = useTranslation();
  const n = (value: number) => formatNumber(value, i18n.language);
  return (
    <Table.ScrollContainer minWidth={900}>
      <Table verticalSpacing="xs" horizontalSpacing="md" aria-label={label} striped>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{label}</Table.Th>
            <Table.Th ta="right">{t('aiAdmin.usage.calls')}</Table.Th>
            <Table.Th ta="right">{t('aiAdmin.usage.failures')}</Table.Th>
            <Table.Th ta="right">{t('aiAdmin.usage.fallbacks')}</Table.Th>
            <Table.Th ta="right">{t('aiAdmin.usage.badKeys')}</Table.Th>
            <Table.Th ta="right">{t('aiAdmin.usage.inputTokens')}</Table.Th>
            <Table.Th ta="right">{t('aiAdmin.usage.outputTokens')}</Table.Th>
            <Table.Th ta="right">{t('aiAdmin.usage.cost')}</Table.Th>
            <Table.Th ta="right">{t('aiAdmin.usage.credits')}</Table.Th>
            <Table.Th ta="right">{t('aiAdmin.usage.latency')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((r) => (
            <Table.Tr key={`${r.key}:${r.currency}`}>
              <Table.Td>{r.label}</Table.Td>
              <Table.Td ta="right">{n(r.calls)}</Table.Td>
              <Table.Td ta="right">{r.failures ? <Text span c="red" size="sm">{n(r.failures)}</Text> : 0}</Table.Td>
              <Table.Td ta="right">{n(r.fallbacks)}</Table.Td>
              <Table.Td ta="right">{r.badKeys ? <Badge color="red" size="sm">{n(r.badKeys)}</Badge> : 0}</Table.Td>
              <Table.Td ta="right">{n(r.inputTokens)}</Table.Td>
              <Table.Td ta="right">{n(r.outputTokens)}</Table.Td>
              <Table.Td ta="right">{formatMoney(r.costMinor, r.currency, i18n.language)}</Table.Td>
              <Table.Td ta="right">{n(r.credits)}</Table.Td>
              <Table.Td ta="right">{n(r.averageLatencyMs)} ms</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

const OUTCOME_COLOR: Record<AiCallOutcome, string> = { OK: 'teal', FALLBACK: 'yellow', ERROR: 'red', TIMEOUT: 'orange', REFUSED: 'red' };

export function UsagePanel() {
  const { t, i18n } = useTranslation();
  const [metric, setMetric] = useState<Metric>('cost');
  // The last 30 days up to the next minute: calls made while the page is open are included on refetch.
  const range = useMemo(() => {
    const to = new Date(Math.ceil((Date.now() + 60_000) / 60_000) * 60_000);
    return { from: new Date(to.getTime() - 30 * DAY).toISOString(), to: to.toISOString() };
  }, []);
  const { data, loading, error, refetch } = useQuery(AI_USAGE_QUERY, { variables: range, fetchPolicy: 'cache-and-network' });
  if (loading && !data) return <PageLoader />;
  if (!data) return <ErrorAlert error={error} onRetry={() => void refetch()} />;
  const failures = data.byTenant.recentFailures;

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2} fz="lg">{t('aiAdmin.usage.title')}</Title>
        <SegmentedControl
          aria-label={t('aiAdmin.usage.metric')}
          value={metric}
          onChange={(value) => setMetric(value as Metric)}
          data={[{ value: 'cost', label: t('aiAdmin.usage.cost') }, { value: 'tokens', label: t('aiAdmin.usage.tokens') }]}
        />
      </Group>
      <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="lg">
        <UsageChart id="usage-by-tenant" title={t('aiAdmin.usage.byTenant')} rows={data.byTenant.rows} metric={metric} />
        <UsageChart id="usage-by-model" title={t('aiAdmin.usage.byModel')} rows={data.byModel.rows} metric={metric} />
      </SimpleGrid>
      <Card withBorder radius="md" padding={0}>
        <UsageTable label={t('aiAdmin.usage.byTenant')} rows={data.byTenant.rows} />
      </Card>
      <Card withBorder radius="md" padding={0}>
        <UsageTable label={t('aiAdmin.usage.byModel')} rows={data.byModel.rows} />
      </Card>
      <Card withBorder radius="md" padding="lg" component="section" aria-labelledby="usage-failures">
        <Title order={3} fz="md" mb="sm" id="usage-failures">{t('aiAdmin.usage.recentFailures')}</Title>
        {failures.length === 0 ? (
          <Text size="sm" c="dimmed">{t('aiAdmin.usage.noFailures')}</Text>
        ) : (
          <Table.ScrollContainer minWidth={820}>
            <Table verticalSpacing="xs" aria-label={t('aiAdmin.usage.recentFailures')}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('aiAdmin.usage.at')}</Table.Th>
                  <Table.Th>{t('aiAdmin.usage.tenant')}</Table.Th>
                  <Table.Th>{t('aiAdmin.usage.model')}</Table.Th>
                  <Table.Th>{t('aiAdmin.usage.outcome')}</Table.Th>
                  <Table.Th>{t('aiAdmin.usage.error')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {failures.map((f) => (
                  <Table.Tr key={f.id}>
                    <Table.Td><Text size="sm" style={{ whiteSpace: 'nowrap' }}>{formatDateTime(f.at, i18n.language)}</Text></Table.Td>
                    <Table.Td>{f.tenantName}</Table.Td>
                    <Table.Td>{f.model}</Table.Td>
                    <Table.Td><Badge color={OUTCOME_COLOR[f.outcome]} variant="light">{t(`aiAdmin.usage.outcomes.${f.outcome}`)}</Badge></Table.Td>
                    <Table.Td><Text size="xs" ff="monospace">{f.error}</Text></Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Card>
    </Stack>
  );
}
