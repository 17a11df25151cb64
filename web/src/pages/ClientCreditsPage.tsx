import { SimpleGrid, Card, Text } from '@mantine/core';
import { useQuery } from '@apollo/client/react';
import { useTranslation } from 'react-i18next';
import { ClientCreditsTable } from '../modules/credits/ClientCreditsTable.tsx';
import { CLIENT_CREDITS_QUERY } from '../modules/credits/credits.graphql.ts';
import { ErrorAlert } from '../modules/common/ErrorAlert.tsx';
import { PageHeader } from '../modules/common/PageHeader.tsx';
import { PageLoader } from '../modules/common/PageLoader.tsx';
import { formatNumber } from '../modules/common/format.ts';

/** Distributor view: the credits of every client of its subtree this month. */
export function ClientCreditsPage() {
  const { t, i18n } = useTranslation();
  const { data, loading, error, refetch } = useQuery(CLIENT_CREDITS_QUERY, { fetchPolicy: 'cache-and-network' });
  if (loading && !data) return <PageLoader />;
  if (!data) return <ErrorAlert error={error} onRetry={() => void refetch()} />;
  const rows = data.clientCredits;
  const totals = rows.reduce((sum, r) => ({ budget: sum.budget + r.budget, consumed: sum.consumed + r.consumed, capped: sum.capped + (r.softCapReached || r.hardCapReached ? 1 : 0) }), { budget: 0, consumed: 0, capped: 0 });
  const summary = [
    [t('clientCredits.clients'), rows.length],
    [t('clientCredits.totalBudget'), totals.budget],
    [t('clientCredits.totalConsumed'), totals.consumed],
    [t('clientCredits.atCap'), totals.capped],
  ] as const;
  return (
    <>
      <PageHeader title={t('clientCredits.title')} description={t('clientCredits.subtitle')} />
      <SimpleGrid cols={{ base: 2, md: 4 }} spacing="lg" mb="lg">
        {summary.map(([label, value]) => (
          <Card key={label} withBorder radius="md" padding="md">
            <Text size="xs" tt="uppercase" fw={700} c="dimmed" style={{ letterSpacing: '0.05em' }}>
              {label}
            </Text>
            <Text fw={800} fz={24} mt={4} style={{ fontVariantNumeric: 'tabular-nums' }}>
              {formatNumber(value, i18n.language)}
            </Text>
          </Card>
        ))}
      </SimpleGrid>
      <ClientCreditsTable rows={rows} />
    </>
  );
}
