import { Card, Grid, Group, SimpleGrid, Stack, Text, ThemeIcon } from '@mantine/core';
import { useQuery } from '@apollo/client/react';
import { IconClockPause, IconFlame, IconWallet, IconCircleCheck } from '@tabler/icons-react';
import type { Icon } from '@tabler/icons-react';
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { useSession } from '../modules/auth/useSession.ts';
import { BalanceChart } from '../modules/credits/BalanceChart.tsx';
import { CapBanner, CapsCard } from '../modules/credits/CapsCard.tsx';
import { MovementsTable } from '../modules/credits/MovementsTable.tsx';
import { TopUpPacks } from '../modules/credits/TopUpPacks.tsx';
import { UsageChart } from '../modules/credits/UsageChart.tsx';
import { CREDIT_USAGE_QUERY, CREDITS_QUERY } from '../modules/credits/credits.graphql.ts';
import { ErrorAlert } from '../modules/common/ErrorAlert.tsx';
import { PageHeader } from '../modules/common/PageHeader.tsx';
import { PageLoader } from '../modules/common/PageLoader.tsx';
import { formatDate, formatNumber } from '../modules/common/format.ts';

function Stat({ label, value, icon: StatIcon, color }: { label: string; value: number; icon: Icon; color: string }) {
  const { i18n } = useTranslation();
  const labelId = useId();
  return (
    <Card withBorder radius="md" padding="lg">
      <Group justify="space-between" align="flex-start" wrap="nowrap">
        <div>
          <Text size="xs" tt="uppercase" fw={700} c="dimmed" style={{ letterSpacing: '0.05em' }} id={labelId}>
            {label}
          </Text>
          <Text fw={800} fz={28} lh={1.2} mt={4} aria-labelledby={labelId} style={{ fontVariantNumeric: 'tabular-nums' }}>
            {formatNumber(value, i18n.language)}
          </Text>
        </div>
        <ThemeIcon variant="light" color={color} radius="md" size={38}>
          <StatIcon size={20} stroke={1.8} />
        </ThemeIcon>
      </Group>
    </Card>
  );
}

/** The period's days: from its first day to the last day of that month (YYYY-MM-DD). */
function periodRange(periodStart: string): { from: string; to: string } {
  const start = new Date(periodStart);
  const end = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 0));
  return { from: start.toISOString().slice(0, 10), to: end.toISOString().slice(0, 10) };
}

export function CreditsPage() {
  const { t, i18n } = useTranslation();
  const { viewer } = useSession();
  // Credits move while pipelines run: always ask the server when the page opens.
  const { data, loading, error, refetch } = useQuery(CREDITS_QUERY, { variables: { limit: 50 }, fetchPolicy: 'cache-and-network' });
  const range = data ? periodRange(data.creditBalance.periodStart) : null;
  const usage = useQuery(CREDIT_USAGE_QUERY, { variables: range ?? { from: '', to: '' }, skip: !range, fetchPolicy: 'cache-and-network' });

  if (loading && !data) return <PageLoader />;
  if (!data) return <ErrorAlert error={error} onRetry={() => void refetch()} />;
  const balance = data.creditBalance;

  return (
    <>
      <PageHeader title={t('credits.title')} description={t('credits.subtitle', { date: formatDate(balance.periodStart, i18n.language) })} />
      <CapBanner balance={balance} notices={data.creditNotices} />
      <section aria-label={t('credits.balance')}>
        <SimpleGrid cols={{ base: 1, xs: 2, md: 4 }} spacing="lg" mb="lg">
          <Stat label={t('credits.budget')} value={balance.budget} icon={IconWallet} color="gray" />
          <Stat label={t('credits.available')} value={balance.available} icon={IconCircleCheck} color="teal" />
          <Stat label={t('credits.reserved')} value={balance.reserved} icon={IconClockPause} color="accent" />
          <Stat label={t('credits.consumed')} value={balance.consumed} icon={IconFlame} color="brand" />
        </SimpleGrid>
      </section>
      <Grid gap="lg">
        <Grid.Col span={{ base: 12, lg: 5 }}>
          <Stack gap="lg">
            <BalanceChart balance={balance} />
            <CapsCard balance={balance} />
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 7 }}>
          {usage.data ? (
            <UsageChart usage={usage.data.creditUsage} balance={balance} />
          ) : usage.error ? (
            <ErrorAlert error={usage.error} onRetry={() => void usage.refetch()} />
          ) : (
            <PageLoader />
          )}
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 7 }}>
          <MovementsTable movements={data.creditMovements} />
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 5 }}>
          <TopUpPacks packs={data.topUpPacks} topUps={data.creditTopUps} canBuy={viewer?.permissions.includes('billing:manage') ?? false} />
        </Grid.Col>
      </Grid>
    </>
  );
}
