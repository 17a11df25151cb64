import { Badge, Card, Group, Pagination, Table, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatDateTime, formatNumber, humanizeKey } from '../common/format.ts';
import type { CreditMovement } from './credits.graphql.ts';

const KNOWN_KINDS = ['grant', 'monthly_grant', 'top_up', 'topup', 'reserve', 'reservation', 'settle', 'settlement', 'consume', 'consumption', 'release', 'void', 'expire', 'expiry', 'refund', 'adjustment'] as const;
type KnownKind = (typeof KNOWN_KINDS)[number];

const KIND_COLOR: Record<string, string> = { grant: 'teal', monthly_grant: 'teal', top_up: 'teal', topup: 'teal', refund: 'teal', reserve: 'orange', reservation: 'orange', settle: 'brand', settlement: 'brand', consume: 'brand', consumption: 'brand' };

const PAGE_SIZE = 10;

export function MovementsTable({ movements }: { movements: CreditMovement[] }) {
  const { t, i18n } = useTranslation();
  const [page, setPage] = useState(1);
  const pages = Math.max(1, Math.ceil(movements.length / PAGE_SIZE));
  const current = Math.min(page, pages);
  const shown = movements.slice((current - 1) * PAGE_SIZE, current * PAGE_SIZE);
  const kindLabel = (kind: string) => {
    const key = kind.trim().toLowerCase().replace(/[\s-]+/g, '_');
    return (KNOWN_KINDS as readonly string[]).includes(key) ? t(`credits.kinds.${key as KnownKind}`) : humanizeKey(kind);
  };
  return (
    <Card withBorder radius="md" padding="lg" component="section" aria-labelledby="movements-title">
      <Title order={2} fz="lg" mb="md" id="movements-title">
        {t('credits.movements')}
      </Title>
      {movements.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t('credits.noMovements')}
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={560}>
          <Table verticalSpacing="sm" highlightOnHover striped="even" aria-labelledby="movements-title">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('credits.date')}</Table.Th>
                <Table.Th>{t('credits.kind')}</Table.Th>
                <Table.Th>{t('credits.memo')}</Table.Th>
                <Table.Th ta="right">{t('credits.amount')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {shown.map((movement) => (
                <Table.Tr key={movement.id}>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>
                    <Text size="sm">{formatDateTime(movement.createdAt, i18n.language)}</Text>
                  </Table.Td>
                  <Table.Td>
                    <Badge variant="light" radius="sm" tt="none" color={KIND_COLOR[movement.kind.toLowerCase()] ?? 'gray'}>
                      {kindLabel(movement.kind)}
                    </Badge>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm" c={movement.memo ? undefined : 'dimmed'}>
                      {movement.memo ?? '—'}
                    </Text>
                  </Table.Td>
                  <Table.Td ta="right">
                    <Text size="sm" fw={600} c={movement.amount < 0 ? 'red.7' : undefined} style={{ fontVariantNumeric: 'tabular-nums' }}>
                      {formatNumber(movement.amount, i18n.language)}
                    </Text>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {pages > 1 ? (
        <Group justify="space-between" mt="md">
          <Text size="xs" c="dimmed">
            {t('credits.showing', { from: (current - 1) * PAGE_SIZE + 1, to: (current - 1) * PAGE_SIZE + shown.length, total: movements.length })}
          </Text>
          <Pagination
            total={pages}
            value={current}
            onChange={setPage}
            size="sm"
            getControlProps={(control) => ({ 'aria-label': t(`credits.pageControls.${control}`) })}
            getItemProps={(item) => ({ 'aria-label': t('credits.page', { page: item }) })}
          />
        </Group>
      ) : null}
    </Card>
  );
}
