import { Alert, Badge, Button, Card, Divider, Group, Progress, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { useMutation, useQuery, useSubscription } from '@apollo/client/react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../common/ErrorAlert.tsx';
import { PageLoader } from '../common/PageLoader.tsx';
import { formatDateTime, formatDuration, formatMonth } from '../common/format.ts';
import { PipelineSteps } from './PipelineSteps.tsx';
import { RUN_STATUS_COLOR } from './RunHistory.tsx';
import { PIPELINE_PROGRESS_SUBSCRIPTION, PIPELINE_RUN_QUERY, RETRY_PIPELINE_STEP_MUTATION } from './pipeline.graphql.ts';

/** Live pushes of the run; each is a whole PipelineRun the cache merges, so the view re-renders. */
function LiveProgress({ runId }: { runId: string }) {
  const { t } = useTranslation();
  const progress = useSubscription(PIPELINE_PROGRESS_SUBSCRIPTION, { variables: { runId } });
  return progress.error ? (
    <div style={{ marginTop: 12 }}>
      <ErrorAlert error={progress.error} title={t('pipeline.liveLost')} />
    </div>
  ) : null;
}

export function RunView({ runId }: { runId: string }) {
  const { t, i18n } = useTranslation();
  const { data, loading, error, refetch } = useQuery(PIPELINE_RUN_QUERY, { variables: { id: runId } });
  // The stream ends with the run: a retried run is followed by a new one.
  const [streams, setStreams] = useState(0);
  const [retry, retrying] = useMutation(RETRY_PIPELINE_STEP_MUTATION, { onCompleted: () => setStreams((n) => n + 1) });

  const run = data?.pipelineRun;
  if (loading && !run) return <PageLoader />;
  if (!run) return <ErrorAlert error={error} onRetry={() => void refetch()} />;

  const done = run.steps.filter((step) => step.status === 'COMPLETED').length;
  const total = run.steps.length || 7;
  const duration = formatDuration(run.startedAt, run.finishedAt);

  return (
    <Card withBorder radius="md" padding="lg" component="section" aria-labelledby="run-title">
      <Group justify="space-between" align="flex-start" wrap="nowrap">
        <Stack gap={2}>
          <Title order={2} fz="xl" id="run-title" tt="capitalize">
            {formatMonth(run.month, i18n.language)}
          </Title>
          <Text size="sm" c="dimmed">
            {t('pipeline.startedAt', { date: formatDateTime(run.startedAt, i18n.language) })}
            {run.finishedAt ? ` · ${t('pipeline.finishedIn', { duration })}` : ''}
          </Text>
        </Stack>
        <Badge size="lg" variant="filled" color={RUN_STATUS_COLOR[run.status]} radius="sm" aria-label={t('pipeline.runStatusLabel', { status: t(`pipeline.runStatus.${run.status}`) })}>
          {t(`pipeline.runStatus.${run.status}`)}
        </Badge>
      </Group>
      <Group gap="sm" mt="md" align="center" wrap="nowrap">
        <Progress value={(done / total) * 100} color={run.status === 'FAILED' ? 'red' : 'teal'} size="sm" radius="xl" style={{ flex: 1 }} aria-label={t('pipeline.progress')} animated={run.status === 'RUNNING'} />
        <Text size="sm" fw={600} style={{ whiteSpace: 'nowrap' }}>
          {t('pipeline.stepsDone', { done, total })}
        </Text>
      </Group>
      <LiveProgress key={streams} runId={runId} />
      {run.status === 'FAILED' ? (
        <Alert color="red" variant="light" mt="md" title={t('pipeline.runStatus.FAILED')}>
          <Stack gap="sm" align="flex-start">
            <Text size="sm">{t('pipeline.failedAt', { step: t(`pipeline.stepNames.${run.steps.find((s) => s.status === 'FAILED')?.step ?? 'SESSION'}`) })}</Text>
            {retrying.error ? <ErrorAlert error={retrying.error} /> : null}
            <Button color="red" variant="filled" loading={retrying.loading} onClick={() => void retry({ variables: { runId } })}>
              {t('pipeline.retryStep')}
            </Button>
          </Stack>
        </Alert>
      ) : null}
      <Divider my="lg" />
      <PipelineSteps steps={run.steps} />
    </Card>
  );
}
