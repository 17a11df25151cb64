import { ActionIcon, Anchor, Badge, Button, Card, Group, SegmentedControl, Stack, Text, Tooltip } from '@mantine/core';
import { useMutation, useQuery } from '@apollo/client/react';
import { IconCheck, IconMail, IconPoint } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../common/ErrorAlert.tsx';
import { PageLoader } from '../common/PageLoader.tsx';
import { formatDateTime } from '../common/format.ts';
import { ALERTS_QUERY, COMPETITORS_QUERY, MARK_ALERT_READ_MUTATION, MARK_ALL_ALERTS_READ_MUTATION, UNREAD_ALERTS_QUERY } from './watch.graphql.ts';
import type { Alert, AlertSeverity } from './watch.graphql.ts';

const SEVERITY_COLOR: Record<AlertSeverity, string> = { INFO: 'blue', WARNING: 'orange', IMPORTANT: 'red' };

function AlertRow({ alert, highlighted, onOpenSource }: { alert: Alert; highlighted: boolean; onOpenSource: (sourceId: string) => void }) {
  const { t, i18n } = useTranslation();
  const [mark, marking] = useMutation(MARK_ALERT_READ_MUTATION, { refetchQueries: [{ query: UNREAD_ALERTS_QUERY }, { query: COMPETITORS_QUERY }] });
  return (
    <Card withBorder radius="md" padding="sm" data-testid="alert" aria-current={highlighted ? 'true' : undefined}
      style={{ borderColor: highlighted ? 'var(--mantine-color-brand-5)' : undefined, opacity: alert.read ? 0.75 : 1 }}>
      <Group justify="space-between" wrap="nowrap" align="flex-start">
        <Stack gap={4}>
          <Group gap="xs">
            {!alert.read ? <IconPoint size={16} color="var(--mantine-color-red-6)" aria-label={t('watch.alerts.unread')} /> : null}
            <Badge color={SEVERITY_COLOR[alert.severity]} variant="light" size="sm">{t(`watch.alertKind.${alert.kind}`)}</Badge>
            <Text size="xs" c="dimmed">{formatDateTime(alert.createdAt, i18n.language)}</Text>
            {alert.emailsSent > 0 ? (
              <Tooltip label={t('watch.alerts.emailed', { count: alert.emailsSent })}><IconMail size={14} aria-label={t('watch.alerts.emailed', { count: alert.emailsSent })} /></Tooltip>
            ) : null}
          </Group>
          <Text size="sm" fw={alert.read ? 400 : 600}>{alert.summary}</Text>
          <Anchor size="xs" component="button" type="button" onClick={() => onOpenSource(alert.sourceId)}>{alert.competitorName} — {alert.sourceUrl}</Anchor>
        </Stack>
        <Tooltip label={alert.read ? t('watch.alerts.markUnread') : t('watch.alerts.markRead')}>
          <ActionIcon
            variant={alert.read ? 'subtle' : 'light'}
            loading={marking.loading}
            aria-label={alert.read ? t('watch.alerts.markUnread') : t('watch.alerts.markRead')}
            onClick={() => void mark({ variables: { id: alert.id, read: !alert.read } }).catch(() => null)}
          >
            <IconCheck size={16} />
          </ActionIcon>
        </Tooltip>
      </Group>
    </Card>
  );
}

export function AlertsFeed({ highlight, onOpenSource }: { highlight: string | null; onOpenSource: (sourceId: string) => void }) {
  const { t } = useTranslation();
  const [filter, setFilter] = useState<'all' | 'unread'>('all');
  const variables = { unreadOnly: filter === 'unread', limit: 100 };
  const { data, loading, error, refetch } = useQuery(ALERTS_QUERY, { variables, fetchPolicy: 'cache-and-network' });
  const [markAll, markingAll] = useMutation(MARK_ALL_ALERTS_READ_MUTATION, {
    refetchQueries: [{ query: ALERTS_QUERY, variables }, { query: UNREAD_ALERTS_QUERY }, { query: COMPETITORS_QUERY }],
    awaitRefetchQueries: true,
  });
  if (loading && !data) return <PageLoader />;
  if (!data) return <ErrorAlert error={error} onRetry={() => void refetch()} />;
  return (
    <Stack gap="sm">
      <Group justify="space-between">
        <SegmentedControl size="xs" value={filter} onChange={(v) => setFilter(v as 'all' | 'unread')}
          data={[{ value: 'all', label: t('watch.alerts.all') }, { value: 'unread', label: t('watch.alerts.unreadOnly', { count: data.unreadCompetitorAlerts }) }]} />
        <Button size="xs" variant="default" disabled={data.unreadCompetitorAlerts === 0} loading={markingAll.loading} onClick={() => void markAll().catch(() => null)}>
          {t('watch.alerts.markAll')}
        </Button>
      </Group>
      <ErrorAlert error={markingAll.error} />
      {data.competitorAlerts.length === 0 ? <Text c="dimmed" size="sm">{t('watch.alerts.none')}</Text> : null}
      <Stack gap="xs" aria-label={t('watch.alerts.title')}>
        {data.competitorAlerts.map((alert) => <AlertRow key={alert.id} alert={alert} highlighted={alert.id === highlight} onOpenSource={onOpenSource} />)}
      </Stack>
    </Stack>
  );
}
