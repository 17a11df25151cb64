import { Badge, Card, Divider, Group, Progress, Stack, Text, Title } from '@mantine/core';
import { useQuery, useSubscription } from '@apollo/client/react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../common/ErrorAlert.tsx';
import { PageLoader } from '../common/PageLoader.tsx';
import { formatDateTime, formatDuration, formatMonth } from '../common/format.ts';
import { PipelineSteps } from './PipelineSteps.tsx';
import { RUN_STATUS_COLOR } from './RunHistory.tsx';
import { PIPELINE_PROGRESS_SUBSCRIPTION, PIPELINE_RUN_QUERY } from './pipeline.graphql.ts';

export function RunView({ runId }: { runId: string }) {
  const { t, i18n } = useTranslation();
  const { data, loading, error, refetch } = useQuery(PIPELINE_RUN_QUERY, { variables: { id: runId } });
  // Each push is a whole PipelineRun with its id: the cache merges it and the query above re-renders.
  const progress = useSubscription(PIPELINE_PROGRESS_SUBSCRIPTION, { variables: { runId } });

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
      {progress.error ? (
        <div style={{ marginTop: 12 }}>
          <ErrorAlert error={progress.error} title={t('pipeline.liveLost')} />
        </div>
      ) : null}
      <Divider my="lg" />
      <PipelineSteps steps={run.steps} />
    </Card>
  );
}
