import { Alert, Anchor, Badge, Button, Card, Code, Group, Stack, Text, Timeline, Title } from '@mantine/core';
import { useMutation } from '@apollo/client/react';
import { IconAlertTriangle, IconCheck, IconClock, IconPlayerSkipForward, IconRefresh, IconRotateClockwise2, IconX } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../common/ErrorAlert.tsx';
import { formatDateTime, formatDuration } from '../common/format.ts';
import { REPLAY_PUBLICATION_MUTATION, PUBLICATION_LOG_QUERY } from './publication.graphql.ts';
import type { AttemptStatus, Publication, PublicationStatus, PublishResult } from './publication.graphql.ts';

const STATUS_COLOR: Record<PublicationStatus, string> = { PENDING: 'yellow', SENT: 'teal', FAILED: 'red' };
const ATTEMPT_COLOR: Record<AttemptStatus, string> = { RUNNING: 'yellow', SENT: 'teal', RECONCILED: 'teal', FAILED: 'red', INTERRUPTED: 'orange', SKIPPED: 'gray' };
const ATTEMPT_ICON: Record<AttemptStatus, ReactNode> = {
  RUNNING: <IconClock size={14} />,
  SENT: <IconCheck size={14} />,
  RECONCILED: <IconRotateClockwise2 size={14} />,
  FAILED: <IconX size={14} />,
  INTERRUPTED: <IconAlertTriangle size={14} />,
  SKIPPED: <IconPlayerSkipForward size={14} />,
};

export function PublicationStatusBadge({ status }: { status: PublicationStatus }) {
  const { t } = useTranslation();
  return <Badge color={STATUS_COLOR[status]} variant="light">{t(`publications.status.${status}`)}</Badge>;
}

/** What the last replay or "publish now" said, in words. */
export function OutcomeAlert({ result, onClose }: { result: PublishResult; onClose: () => void }) {
  const { t } = useTranslation();
  const color = result.outcome === 'FAILED' ? 'red' : result.outcome === 'NO_CONNECTOR' ? 'gray' : 'teal';
  return (
    <Alert color={color} variant="light" withCloseButton onClose={onClose} role="status" title={t(`publications.outcome.${result.outcome}`)}>
      {result.message ?? t(`publications.outcomeHint.${result.outcome}`)}
    </Alert>
  );
}

function PublicationCard({ publication }: { publication: Publication }) {
  const { t, i18n } = useTranslation();
  const [result, setResult] = useState<PublishResult | null>(null);
  const [replay, { loading, error }] = useMutation(REPLAY_PUBLICATION_MUTATION, {
    refetchQueries: [{ query: PUBLICATION_LOG_QUERY, variables: { itemId: publication.itemId } }],
    awaitRefetchQueries: true,
  });
  return (
    <Card withBorder radius="md" padding="lg" aria-label={t('publications.publicationLabel', { connector: publication.connector ?? '?' })}>
      <Group justify="space-between" align="flex-start" mb="sm">
        <Stack gap={2}>
          <Group gap="xs">
            <PublicationStatusBadge status={publication.status} />
            <Badge variant="outline" color="gray">{t(`publications.connectors.${publication.connector ?? 'unknown'}`, { defaultValue: publication.connector ?? '?' })}</Badge>
            {publication.version ? <Text size="xs" c="dimmed">{t('publications.version', { version: publication.version })}</Text> : null}
          </Group>
          <Text size="xs" c="dimmed">
            {t('publications.key')} <Code>{publication.idempotencyKey}</Code>
          </Text>
        </Stack>
        <Button
          size="xs"
          variant="light"
          leftSection={<IconRefresh size={14} />}
          loading={loading}
          onClick={async () => {
            const answer = await replay({ variables: { id: publication.id } }).catch(() => null);
            if (answer?.data) setResult(answer.data.replayPublication);
          }}
        >
          {t('publications.replay')}
        </Button>
      </Group>
      {result ? <OutcomeAlert result={result} onClose={() => setResult(null)} /> : null}
      <ErrorAlert error={error} />
      <Group gap="lg" mb="sm">
        {publication.publishedAt ? <Text size="sm">{t('publications.publishedAt', { date: formatDateTime(publication.publishedAt, i18n.language) })}</Text> : null}
        {publication.messages ? (
          <Text size="sm">
            {t('publications.messages', { sent: publication.messages.sent, total: publication.messages.total, failed: publication.messages.failed, suppressed: publication.messages.suppressed })}
          </Text>
        ) : null}
        {publication.externalUrl?.startsWith('http') ? (
          <Anchor size="sm" href={publication.externalUrl} target="_blank" rel="noreferrer">{t('publications.open')}</Anchor>
        ) : publication.externalId ? (
          <Text size="sm" c="dimmed">{publication.externalId}</Text>
        ) : null}
      </Group>
      {publication.lastError && publication.status === 'FAILED' ? (
        <Text size="sm" c="red" mb="sm">{publication.lastError}</Text>
      ) : null}
      <Title order={4} fz="sm" mb="xs">{t('publications.attempts')}</Title>
      <Timeline bulletSize={22} lineWidth={2} aria-label={t('publications.attempts')}>
        {publication.attempts.map((attempt) => (
          <Timeline.Item
            key={attempt.id}
            bullet={ATTEMPT_ICON[attempt.status]}
            color={ATTEMPT_COLOR[attempt.status]}
            title={
              <Group gap="xs">
                <Text fw={600} size="sm">{t('publications.attemptN', { n: attempt.attempt })}</Text>
                <Badge size="sm" color={ATTEMPT_COLOR[attempt.status]} variant="light" data-testid="attempt-status">{t(`publications.attemptStatus.${attempt.status}`)}</Badge>
                <Text size="xs" c="dimmed">{t(`publications.trigger.${attempt.trigger}`)}</Text>
              </Group>
            }
          >
            <Text size="xs" c="dimmed">
              {formatDateTime(attempt.startedAt, i18n.language)}
              {attempt.finishedAt ? ` · ${formatDuration(attempt.startedAt, attempt.finishedAt) || '0 ms'}` : ''}
              {attempt.responseStatus ? ` · ${t('publications.response', { status: attempt.responseStatus })}` : ''}
            </Text>
            <Text size="xs" c="dimmed">
              {String(attempt.request['method'] ?? '')} {String(attempt.request['url'] ?? '')}
            </Text>
            {attempt.error ? <Text size="xs" c={attempt.status === 'FAILED' ? 'red' : 'orange'}>{attempt.error}</Text> : null}
          </Timeline.Item>
        ))}
      </Timeline>
    </Card>
  );
}

export function PublicationLog({ publications }: { publications: Publication[] }) {
  const { t } = useTranslation();
  if (!publications.length) return <Text c="dimmed" size="sm">{t('publications.noPublication')}</Text>;
  return (
    <Stack gap="md">
      {publications.map((publication) => <PublicationCard key={publication.id} publication={publication} />)}
    </Stack>
  );
}
