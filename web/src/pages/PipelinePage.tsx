import { Alert, Button, Grid } from '@mantine/core';
import { useMutation, useQuery } from '@apollo/client/react';
import { IconInfoCircle, IconPlayerPlay, IconRoute } from '@tabler/icons-react';
import { useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { useSession } from '../modules/auth/useSession.ts';
import { ErrorAlert } from '../modules/common/ErrorAlert.tsx';
import { PageHeader } from '../modules/common/PageHeader.tsx';
import { PageLoader } from '../modules/common/PageLoader.tsx';
import { formatMonth } from '../modules/common/format.ts';
import { RunHistory } from '../modules/pipeline/RunHistory.tsx';
import { RunView } from '../modules/pipeline/RunView.tsx';
import { PIPELINE_RUNS_QUERY, START_MONTHLY_PIPELINE_MUTATION } from '../modules/pipeline/pipeline.graphql.ts';

export function PipelinePage() {
  const { t, i18n } = useTranslation();
  const { can } = useSession();
  const navigate = useNavigate();
  const { runId } = useParams();
  const runs = useQuery(PIPELINE_RUNS_QUERY, { variables: {} });
  const [start, { loading: starting, error: startError }] = useMutation(START_MONTHLY_PIPELINE_MUTATION, { refetchQueries: [PIPELINE_RUNS_QUERY] });
  const [alreadyStarted, setAlreadyStarted] = useState<string | null>(null);

  const list = [...(runs.data?.pipelineRuns ?? [])].sort((a, b) => b.startedAt.localeCompare(a.startedAt));
  const selectedId = runId ?? list[0]?.id ?? null;

  async function startThisMonth() {
    setAlreadyStarted(null);
    const known = new Set(list.map((run) => run.id));
    const result = await start({ variables: {} }).catch(() => null);
    const run = result?.data?.startMonthlyPipeline;
    if (!run) return;
    // One run per client and month: starting again hands back the same run.
    if (known.has(run.id)) setAlreadyStarted(formatMonth(run.month, i18n.language));
    void navigate(`/pipeline/${run.id}`);
  }

  return (
    <>
      <PageHeader
        title={t('pipeline.title')}
        description={t('pipeline.subtitle')}
        actions={
          can('pipeline:run') ? (
            <Button leftSection={<IconPlayerPlay size={16} />} loading={starting} onClick={() => void startThisMonth()}>
              {t('pipeline.start')}
            </Button>
          ) : null
        }
      />
      {startError ? <ErrorAlert error={startError} title={t('pipeline.startFailed')} /> : null}
      {alreadyStarted ? (
        <Alert variant="light" icon={<IconInfoCircle size={18} />} mb="lg" withCloseButton onClose={() => setAlreadyStarted(null)} closeButtonLabel={t('common.close')}>
          {t('pipeline.alreadyStarted', { month: alreadyStarted })}
        </Alert>
      ) : null}
      {runs.loading && !runs.data ? <PageLoader /> : null}
      {runs.error && !runs.data ? <ErrorAlert error={runs.error} onRetry={() => void runs.refetch()} /> : null}
      {runs.data ? (
        <Grid gap="lg" mt={startError ? 'lg' : 0}>
          <Grid.Col span={{ base: 12, lg: 8 }}>
            {selectedId ? (
              <RunView key={selectedId} runId={selectedId} />
            ) : (
              <Alert variant="light" icon={<IconRoute size={18} />} title={t('pipeline.emptyTitle')}>
                {t('pipeline.emptyBody')}
              </Alert>
            )}
          </Grid.Col>
          <Grid.Col span={{ base: 12, lg: 4 }}>
            <RunHistory runs={list} selectedId={selectedId} onSelect={(id) => void navigate(`/pipeline/${id}`)} />
          </Grid.Col>
        </Grid>
      ) : null}
    </>
  );
}
