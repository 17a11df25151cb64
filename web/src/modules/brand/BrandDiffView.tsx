import { Badge, Card, CloseButton, Group, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@apollo/client/react';
import { IconArrowsDiff } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../common/ErrorAlert.tsx';
import { PageLoader } from '../common/PageLoader.tsx';
import { BRAND_DNA_DIFF_QUERY } from './brand.graphql.ts';
import type { DnaChangeKind } from './brand.graphql.ts';

const COLORS: Record<DnaChangeKind, string> = { ADDED: 'teal', REMOVED: 'red', CHANGED: 'yellow' };

function Value({ value }: { value: unknown }) {
  if (value === null || value === undefined) return <Text size="sm" c="dimmed">—</Text>;
  const text = typeof value === 'string' ? value : JSON.stringify(value, null, 1);
  return (
    <Text size="sm" style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word' }} ff={typeof value === 'string' ? undefined : 'monospace'}>
      {text}
    </Text>
  );
}

/** Two versions side by side: one row per changed path, the older value left, the newer right. */
export function BrandDiffView({ fromVersion, toVersion, onClose }: { fromVersion: number; toVersion: number; onClose: () => void }) {
  const { t } = useTranslation();
  const { data, loading, error, refetch } = useQuery(BRAND_DNA_DIFF_QUERY, { variables: { fromVersion, toVersion }, fetchPolicy: 'cache-and-network' });
  const changes = data?.brandDnaDiff.changes ?? [];
  return (
    <Card withBorder radius="md" padding="lg" component="section" aria-labelledby="brand-diff-title">
      <Group justify="space-between" mb="md" wrap="nowrap">
        <Group gap="sm">
          <IconArrowsDiff size={18} aria-hidden="true" />
          <Title order={2} fz="lg" id="brand-diff-title">
            {t('brand.compare.title', { from: fromVersion, to: toVersion })}
          </Title>
        </Group>
        <CloseButton aria-label={t('brand.compare.close')} onClick={onClose} />
      </Group>
      {loading && !data ? <PageLoader /> : null}
      {error && !data ? <ErrorAlert error={error} onRetry={() => void refetch()} /> : null}
      {data && changes.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t('brand.compare.none')}
        </Text>
      ) : null}
      {changes.length > 0 ? (
        <Table.ScrollContainer minWidth={640}>
          <Table aria-label={t('brand.compare.table')} verticalSpacing="sm" withColumnBorders layout="fixed">
            <Table.Thead>
              <Table.Tr>
                <Table.Th w="28%">{t('brand.compare.field')}</Table.Th>
                <Table.Th>{t('brand.version', { version: fromVersion })}</Table.Th>
                <Table.Th>{t('brand.version', { version: toVersion })}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {changes.map((change) => (
                <Table.Tr key={`${change.kind}:${change.path}`} data-kind={change.kind}>
                  <Table.Td>
                    <Text size="sm" ff="monospace" style={{ wordBreak: 'break-word' }}>
                      {change.path}
                    </Text>
                    <Badge size="xs" variant="light" color={COLORS[change.kind]} mt={4}>
                      {t(`brand.compare.kinds.${change.kind}`)}
                    </Badge>
                  </Table.Td>
                  <Table.Td bg={change.kind === 'ADDED' ? undefined : 'var(--mantine-color-red-0)'} aria-label={t('brand.compare.before')}>
                    <Value value={change.before} />
                  </Table.Td>
                  <Table.Td bg={change.kind === 'REMOVED' ? undefined : 'var(--mantine-color-teal-0)'} aria-label={t('brand.compare.after')}>
                    <Value value={change.after} />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      ) : null}
    </Card>
  );
}
