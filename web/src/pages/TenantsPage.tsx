import { Badge, Card, Group, SegmentedControl, Table, Text } from '@mantine/core';
import { useQuery } from '@apollo/client/react';
import { IconCornerDownRight } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { TenantKind } from '../modules/auth/auth.graphql.ts';
import { ErrorAlert } from '../modules/common/ErrorAlert.tsx';
import { PageHeader } from '../modules/common/PageHeader.tsx';
import { PageLoader } from '../modules/common/PageLoader.tsx';
import { toTree } from '../modules/tenants/tenant-tree.ts';
import { TENANTS_QUERY } from '../modules/tenants/tenants.graphql.ts';

const KIND_COLOR: Record<TenantKind, string> = { PLATFORM: 'dark', DISTRIBUTOR: 'accent', CLIENT: 'brand' };
type Filter = 'ALL' | TenantKind;

export function TenantsPage() {
  const { t } = useTranslation();
  const [filter, setFilter] = useState<Filter>('ALL');
  const { data, loading, error, refetch } = useQuery(TENANTS_QUERY, { variables: { kind: filter === 'ALL' ? null : filter } });
  const rows = toTree(data?.tenants ?? []);

  return (
    <>
      <PageHeader
        title={t('tenants.title')}
        description={t('tenants.subtitle')}
        actions={
          <SegmentedControl
            value={filter}
            onChange={(value) => setFilter(value as Filter)}
            aria-label={t('tenants.filter')}
            data={[
              { value: 'ALL', label: t('tenants.all') },
              { value: 'DISTRIBUTOR', label: t('tenants.distributors') },
              { value: 'CLIENT', label: t('tenants.clients') },
            ]}
          />
        }
      />
      {loading && !data ? <PageLoader /> : null}
      {error && !data ? <ErrorAlert error={error} onRetry={() => void refetch()} /> : null}
      {data ? (
        <Card withBorder radius="md" padding={0}>
          {rows.length === 0 ? (
            <Text p="lg" size="sm" c="dimmed">
              {t('tenants.empty')}
            </Text>
          ) : (
            <Table.ScrollContainer minWidth={720}>
              <Table verticalSpacing="sm" horizontalSpacing="lg" highlightOnHover aria-label={t('tenants.title')}>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('tenants.name')}</Table.Th>
                    <Table.Th>{t('tenants.kind')}</Table.Th>
                    <Table.Th>{t('tenants.slug')}</Table.Th>
                    <Table.Th>{t('tenants.locale')}</Table.Th>
                    <Table.Th>{t('tenants.timeZone')}</Table.Th>
                    <Table.Th>{t('tenants.currency')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {rows.map((row) => (
                    <Table.Tr key={row.id}>
                      <Table.Td>
                        <Group gap={6} wrap="nowrap" pl={row.depth * 20}>
                          {row.depth > 0 ? <IconCornerDownRight size={14} color="var(--mantine-color-gray-5)" aria-hidden="true" /> : null}
                          <Text size="sm" fw={row.depth === 0 ? 600 : 500}>
                            {row.name}
                          </Text>
                        </Group>
                      </Table.Td>
                      <Table.Td>
                        <Badge variant="light" color={KIND_COLOR[row.kind]} radius="sm">
                          {t(`tenantKinds.${row.kind}`)}
                        </Badge>
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm" ff="monospace">
                          {row.slug}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm">{row.locale}</Text>
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm">{row.timeZone}</Text>
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm">{row.currency}</Text>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )}
        </Card>
      ) : null}
    </>
  );
}
