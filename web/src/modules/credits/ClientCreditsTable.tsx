import { Badge, Card, Group, Progress, Table, Text, Tooltip } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useBranding } from '../../branding/useBranding.ts';
import { formatNumber } from '../common/format.ts';
import type { ClientCreditsRow } from './credits.graphql.ts';

function CapState({ row }: { row: ClientCreditsRow }) {
  const { t } = useTranslation();
  if (row.hardCapReached) return <Badge color="red" variant="light" radius="sm" tt="none">{t('clientCredits.hardCapReached')}</Badge>;
  if (row.softCapReached) return <Badge color="yellow" variant="light" radius="sm" tt="none">{t('clientCredits.softCapReached')}</Badge>;
  return <Badge color="teal" variant="light" radius="sm" tt="none">{t('clientCredits.withinCaps')}</Badge>;
}

/** One bar per client: consumed and reserved as shares of the month's budget (what is left is available). */
function UsageBar({ row }: { row: ClientCreditsRow }) {
  const { t, i18n } = useTranslation();
  const branding = useBranding();
  // Top-ups can take use past the monthly budget: the bar is scaled to the larger of the two.
  const scale = Math.max(row.budget, row.consumed + row.reserved + row.available, 1);
  const pct = (value: number) => (value / scale) * 100;
  const label = t('clientCredits.barLabel', {
    consumed: formatNumber(row.consumed, i18n.language),
    reserved: formatNumber(row.reserved, i18n.language),
    budget: formatNumber(row.budget, i18n.language),
  });
  return (
    <Tooltip label={label} withArrow>
      <Progress.Root size={14} radius="xl" aria-label={label} role="img">
        <Progress.Section value={pct(row.consumed)} color={branding.primaryColor} />
        <Progress.Section value={pct(row.reserved)} color={branding.accentColor} />
      </Progress.Root>
    </Tooltip>
  );
}

export function ClientCreditsTable({ rows }: { rows: ClientCreditsRow[] }) {
  const { t, i18n } = useTranslation();
  const branding = useBranding();
  if (rows.length === 0) {
    return (
      <Card withBorder radius="md" padding="lg">
        <Text size="sm" c="dimmed">
          {t('clientCredits.empty')}
        </Text>
      </Card>
    );
  }
  const n = (value: number) => formatNumber(value, i18n.language);
  return (
    <Card withBorder radius="md" padding={0}>
      <Table.ScrollContainer minWidth={820}>
        <Table verticalSpacing="sm" horizontalSpacing="lg" highlightOnHover aria-label={t('clientCredits.title')}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('clientCredits.client')}</Table.Th>
              <Table.Th style={{ width: '32%' }}>{t('clientCredits.usage')}</Table.Th>
              <Table.Th ta="right">{t('credits.budget')}</Table.Th>
              <Table.Th ta="right">{t('credits.consumed')}</Table.Th>
              <Table.Th ta="right">{t('credits.available')}</Table.Th>
              <Table.Th>{t('clientCredits.caps')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((row) => (
              <Table.Tr key={row.client.id}>
                <Table.Td>
                  <Text size="sm" fw={600}>
                    {row.client.name}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <UsageBar row={row} />
                </Table.Td>
                <Table.Td ta="right" style={{ fontVariantNumeric: 'tabular-nums' }}>
                  {n(row.budget)}
                </Table.Td>
                <Table.Td ta="right" style={{ fontVariantNumeric: 'tabular-nums' }}>
                  {n(row.consumed)}
                  {row.reserved > 0 ? (
                    <Text span size="xs" c="dimmed">
                      {' '}
                      (+{n(row.reserved)})
                    </Text>
                  ) : null}
                </Table.Td>
                <Table.Td ta="right" style={{ fontVariantNumeric: 'tabular-nums' }}>
                  {n(row.available)}
                </Table.Td>
                <Table.Td>
                  <CapState row={row} />
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      <Group gap="lg" px="lg" py="sm" style={{ borderTop: '1px solid var(--mantine-color-gray-2)' }}>
        {[
          [branding.primaryColor, t('credits.consumed')],
          [branding.accentColor, t('credits.reserved')],
        ].map(([color, label]) => (
          <Group key={label} gap={6}>
            <span aria-hidden="true" style={{ width: 12, height: 12, borderRadius: 3, background: color, display: 'inline-block' }} />
            <Text size="xs" c="dimmed">
              {label}
            </Text>
          </Group>
        ))}
      </Group>
    </Card>
  );
}
