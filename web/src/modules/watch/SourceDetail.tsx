import { Alert, Anchor, Badge, Button, Card, Group, Stack, Table, Text, Title } from '@mantine/core';
import { useMutation, useQuery } from '@apollo/client/react';
import { IconEdit, IconRefresh, IconTrash } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../common/ErrorAlert.tsx';
import { PageLoader } from '../common/PageLoader.tsx';
import { formatDateTime } from '../common/format.ts';
import {
  ALERTS_QUERY, CAPTURE_SOURCE_MUTATION, COMPETITORS_QUERY, REMOVE_SOURCE_MUTATION, SOURCE_CAPTURES_QUERY, UNREAD_ALERTS_QUERY,
} from './watch.graphql.ts';
import type { Capture, CaptureStatus, PriceChange, Source, SourceStatus } from './watch.graphql.ts';
import { changeColor, formatChange, formatMoney } from './price.ts';

const STATUS_COLOR: Record<SourceStatus, string> = { OK: 'teal', NOT_MODIFIED: 'gray', ERROR: 'red', BLOCKED: 'red' };

export function SourceStatusBadge({ status }: { status: SourceStatus | null }) {
  const { t } = useTranslation();
  if (!status) return <Badge variant="light" color="gray">{t('watch.status.NEVER')}</Badge>;
  return <Badge variant="light" color={STATUS_COLOR[status]}>{t(`watch.status.${status}`)}</Badge>;
}

export function PriceChangeBadge({ change }: { change: PriceChange }) {
  const { i18n } = useTranslation();
  const label = `${change.name}: ${formatMoney(change.oldPriceMinor, change.currency, i18n.language)} → ${formatMoney(change.newPriceMinor, change.currency, i18n.language)}`;
  return (
    <Group gap={6} wrap="nowrap" data-testid="price-change">
      <Text size="sm">{label}</Text>
      {change.changePercent !== null ? <Badge color={changeColor(change.changePercent)} variant="filled" size="sm">{formatChange(change.changePercent, i18n.language)}</Badge> : null}
    </Group>
  );
}

function CaptureCard({ capture }: { capture: Capture }) {
  const { t, i18n } = useTranslation();
  const diff = capture.diff;
  const empty = diff && diff.priceChanges.length + diff.addedProducts.length + diff.removedProducts.length + diff.newEntries.length + diff.addedParagraphs.length + diff.removedParagraphs.length + diff.removedEntries === 0;
  return (
    <Card withBorder radius="md" padding="md" data-testid="capture">
      <Group justify="space-between" mb="xs">
        <Text fw={600} size="sm">{formatDateTime(capture.fetchedAt, i18n.language)}</Text>
        {capture.error ? <Badge color="red" variant="light">{t('watch.capture.failed', { count: capture.failures })}</Badge>
          : !diff ? <Badge variant="light" color="blue">{t('watch.capture.baseline')}</Badge>
            : <Badge variant="light" color="grape">{t('watch.capture.changed')}</Badge>}
      </Group>
      {capture.error ? <Text size="sm" c="red">{capture.error}</Text> : null}
      {!capture.error && !diff ? (
        <Text size="sm" c="dimmed">{t('watch.capture.baselineCounts', { products: capture.products.length, entries: capture.entries.length, paragraphs: capture.paragraphs.length })}</Text>
      ) : null}
      {diff ? (
        <Stack gap={6}>
          {diff.priceChanges.length > 0 ? (
            <div>
              <Text size="xs" tt="uppercase" c="dimmed" fw={600}>{t('watch.capture.prices')}</Text>
              {diff.priceChanges.map((c, i) => <PriceChangeBadge key={`${c.name}-${i}`} change={c} />)}
            </div>
          ) : null}
          {diff.addedProducts.length > 0 ? <Text size="sm"><Badge color="teal" variant="light" mr={6}>{t('watch.capture.added')}</Badge>{diff.addedProducts.map((p) => `${p.name} (${formatMoney(p.priceMinor, p.currency, i18n.language)})`).join(', ')}</Text> : null}
          {diff.removedProducts.length > 0 ? <Text size="sm"><Badge color="red" variant="light" mr={6}>{t('watch.capture.removed')}</Badge>{diff.removedProducts.map((p) => p.name).join(', ')}</Text> : null}
          {diff.newEntries.length > 0 ? (
            <div>
              <Text size="xs" tt="uppercase" c="dimmed" fw={600}>{t('watch.capture.newEntries')}</Text>
              {diff.newEntries.map((e) => <Text key={e.id} size="sm">{e.url ? <Anchor href={e.url} target="_blank" rel="noreferrer noopener">{e.title}</Anchor> : e.title}</Text>)}
            </div>
          ) : null}
          {diff.addedParagraphs.length + diff.removedParagraphs.length > 0 ? (
            <div>
              <Text size="xs" tt="uppercase" c="dimmed" fw={600}>{t('watch.capture.text')}</Text>
              {diff.addedParagraphs.slice(0, 5).map((p, i) => <Text key={`a${i}`} size="sm" c="teal.8">+ {p}</Text>)}
              {diff.removedParagraphs.slice(0, 5).map((p, i) => <Text key={`r${i}`} size="sm" c="red.8" td="line-through">− {p}</Text>)}
            </div>
          ) : null}
          {empty ? <Text size="sm" c="dimmed">{t('watch.capture.reordered')}</Text> : null}
        </Stack>
      ) : null}
    </Card>
  );
}

const OUTCOME_COLOR: Record<CaptureStatus, string> = { BASELINE: 'blue', CHANGED: 'grape', UNCHANGED: 'gray', FAILED: 'red', BLOCKED: 'red', GONE: 'gray' };

export function SourceDetail({ sourceId, onEdit, onRemoved }: { sourceId: string; onEdit: (source: Source) => void; onRemoved: () => void }) {
  const { t, i18n } = useTranslation();
  const [outcome, setOutcome] = useState<{ status: CaptureStatus; alerts: number; error: string | null } | null>(null);
  const { data, loading, error, refetch } = useQuery(SOURCE_CAPTURES_QUERY, { variables: { id: sourceId, limit: 20 }, fetchPolicy: 'cache-and-network' });
  const refetchQueries = [{ query: SOURCE_CAPTURES_QUERY, variables: { id: sourceId, limit: 20 } }, { query: COMPETITORS_QUERY }, { query: UNREAD_ALERTS_QUERY }, { query: ALERTS_QUERY, variables: { unreadOnly: false, limit: 100 } }];
  const [capture, capturing] = useMutation(CAPTURE_SOURCE_MUTATION, { refetchQueries, awaitRefetchQueries: true });
  const [remove, removing] = useMutation(REMOVE_SOURCE_MUTATION, { refetchQueries: [{ query: COMPETITORS_QUERY }, { query: UNREAD_ALERTS_QUERY }], awaitRefetchQueries: true });
  if (loading && !data) return <PageLoader />;
  if (!data) return <ErrorAlert error={error} onRetry={() => void refetch()} />;
  const source = data.competitorSource;
  const current = source.captures.find((c) => !c.error);
  return (
    <Stack gap="md">
      <Card withBorder radius="md" padding="lg">
        <Group justify="space-between" align="flex-start">
          <Stack gap={4}>
            <Title order={2} fz="lg">{source.competitor.name}</Title>
            <Text size="sm" style={{ wordBreak: 'break-all' }}>{source.url}</Text>
            <Group gap="xs">
              <Badge variant="outline">{t(`watch.kind.${source.kind}`)}{source.feedFormat ? ` · ${source.feedFormat}` : ''}</Badge>
              <SourceStatusBadge status={source.lastStatus} />
              {!source.active ? <Badge color="gray">{t('watch.paused')}</Badge> : null}
              <Text size="xs" c="dimmed">{t('watch.every', { interval: t(`watch.intervals.${source.intervalMinutes}`, { defaultValue: `${source.intervalMinutes} min` }) })} · {t('watch.thresholdShort', { value: source.priceThresholdPercent })}</Text>
            </Group>
            {source.lastFetchedAt ? <Text size="xs" c="dimmed">{t('watch.lastFetched', { at: formatDateTime(source.lastFetchedAt, i18n.language) })}</Text> : null}
            {source.lastError ? <Text size="xs" c="red">{source.lastError}</Text> : null}
          </Stack>
          <Group gap="xs">
            <Button
              leftSection={<IconRefresh size={16} />}
              loading={capturing.loading}
              onClick={async () => {
                setOutcome(null);
                const answer = await capture({ variables: { id: sourceId } }).catch(() => null);
                const result = answer?.data?.captureCompetitorSource;
                if (result) setOutcome({ status: result.status, alerts: result.alerts.length, error: result.error });
              }}
            >
              {t('watch.captureNow')}
            </Button>
            <Button variant="default" leftSection={<IconEdit size={16} />} onClick={() => onEdit(source)}>{t('watch.edit')}</Button>
            <Button
              variant="subtle"
              color="red"
              leftSection={<IconTrash size={16} />}
              loading={removing.loading}
              onClick={async () => {
                if (!window.confirm(t('watch.removeConfirm'))) return;
                const answer = await remove({ variables: { id: sourceId } }).catch(() => null);
                if (answer?.data) onRemoved();
              }}
            >
              {t('watch.remove')}
            </Button>
          </Group>
        </Group>
      </Card>
      {outcome ? (
        <Alert role="status" variant="light" color={OUTCOME_COLOR[outcome.status]} withCloseButton onClose={() => setOutcome(null)} title={t(`watch.outcome.${outcome.status}`)}>
          {outcome.error ?? t('watch.outcome.alerts', { count: outcome.alerts })}
        </Alert>
      ) : null}
      <ErrorAlert error={capturing.error ?? removing.error} />
      {source.kind === 'PAGE' ? (
        <Text size="xs" c="dimmed">{t('watch.selectorsLine', { item: source.selectors.item ?? '—', name: source.selectors.name ?? '—', price: source.selectors.price ?? '—', text: source.selectors.text ?? (source.selectors.name ? '—' : t('watch.mainContent')) })}</Text>
      ) : null}
      <Title order={3} fz="md">{t('watch.history')}</Title>
      {source.captures.length === 0 ? <Text c="dimmed" size="sm">{t('watch.noCaptures')}</Text> : null}
      <Stack gap="sm" aria-label={t('watch.history')}>
        {source.captures.map((c) => <CaptureCard key={c.id} capture={c} />)}
      </Stack>
      {current && current.products.length > 0 ? (
        <Card withBorder radius="md" padding="md">
          <Text fw={600} size="sm" mb="xs">{t('watch.currentProducts')}</Text>
          <Table striped aria-label={t('watch.currentProducts')}>
            <Table.Thead><Table.Tr><Table.Th>{t('watch.product')}</Table.Th><Table.Th>{t('watch.price')}</Table.Th></Table.Tr></Table.Thead>
            <Table.Tbody>
              {current.products.map((p, i) => (
                <Table.Tr key={`${p.name}-${i}`}><Table.Td>{p.name}</Table.Td><Table.Td>{formatMoney(p.priceMinor, p.currency, i18n.language)}</Table.Td></Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Card>
      ) : null}
    </Stack>
  );
}
