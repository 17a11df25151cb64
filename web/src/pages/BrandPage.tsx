import { Alert, Badge, Grid, Group, Text } from '@mantine/core';
import { useQuery } from '@apollo/client/react';
import { IconInfoCircle } from '@tabler/icons-react';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { BrandDnaSections } from '../modules/brand/BrandDnaSections.tsx';
import { BrandHistory } from '../modules/brand/BrandHistory.tsx';
import { BRAND_DNA_QUERY } from '../modules/brand/brand.graphql.ts';
import { readBrandDna } from '../modules/brand/brand-dna-view.ts';
import { ErrorAlert } from '../modules/common/ErrorAlert.tsx';
import { PageHeader } from '../modules/common/PageHeader.tsx';
import { PageLoader } from '../modules/common/PageLoader.tsx';
import { formatDateTime } from '../modules/common/format.ts';

export function BrandPage() {
  const { t, i18n } = useTranslation();
  const { data, loading, error, refetch } = useQuery(BRAND_DNA_QUERY, { variables: {} });
  const [selectedId, setSelectedId] = useState<string | null>(null);

  const latest = data?.brandDna ?? null;
  const history = data?.brandDnaHistory ?? [];
  const shown = history.find((s) => s.id === selectedId) ?? latest;
  const view = useMemo(() => (shown ? readBrandDna(shown.document) : null), [shown]);

  if (loading && !data) return <PageLoader />;
  if (error && !data) return <ErrorAlert error={error} onRetry={() => void refetch()} />;
  if (!latest || !shown || !view) {
    return (
      <>
        <PageHeader title={t('brand.title')} />
        <Alert variant="light" icon={<IconInfoCircle size={18} />} title={t('brand.emptyTitle')}>
          {t('brand.emptyBody')}
        </Alert>
      </>
    );
  }

  return (
    <>
      <PageHeader
        title={view.name ?? t('brand.title')}
        description={view.tagline ?? t('brand.subtitle')}
        badge={
          <Badge size="lg" variant="light" radius="sm">
            {t('brand.version', { version: shown.version })}
          </Badge>
        }
      />
      {shown.id !== latest.id ? (
        <Alert variant="light" color="yellow" mb="lg" icon={<IconInfoCircle size={18} />}>
          {t('brand.viewingOld', { version: shown.version, latest: latest.version })}
        </Alert>
      ) : null}
      <Group gap="xs" mb="md">
        <Text size="sm" c="dimmed">
          {t('brand.recordedAt', { date: formatDateTime(shown.createdAt, i18n.language) })}
        </Text>
        {shown.note ? (
          <Text size="sm" c="dimmed">
            · {shown.note}
          </Text>
        ) : null}
      </Group>
      <Grid gap="lg">
        <Grid.Col span={{ base: 12, lg: 9 }}>
          <BrandDnaSections view={view} />
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 3 }}>
          <BrandHistory history={history} selectedId={shown.id} latestId={latest.id} onSelect={setSelectedId} />
        </Grid.Col>
      </Grid>
    </>
  );
}
