import { Alert, Badge, Button, Card, Group, Progress, Stack, Text, Title } from '@mantine/core';
import { useMutation, useSubscription } from '@apollo/client/react';
import { IconArrowLeft, IconArrowRight, IconCircleCheck, IconPlayerPlay, IconRefresh } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../common/ErrorAlert.tsx';
import { SourceList } from './SourceList.tsx';
import { ONBOARDING_PROGRESS, RUN_INGESTION, type OnboardingSession } from './onboarding.graphql.ts';

const STATUS_COLOR: Record<OnboardingSession['status'], string> = { OPEN: 'gray', INGESTING: 'blue', PROPOSED: 'teal', ACCEPTED: 'teal', ABANDONED: 'gray', FAILED: 'red' };

/** Pushes of the session while ingestion runs; each is a whole session the cache merges, so the step re-renders. */
function LiveProgress({ sessionId }: { sessionId: string }) {
  const { t } = useTranslation();
  const progress = useSubscription(ONBOARDING_PROGRESS, { variables: { sessionId } });
  return progress.error ? <ErrorAlert error={progress.error} title={t('onboarding.ingestion.liveLost')} /> : null;
}

/** Step 3: runs the ingestion workflow and shows every source's progress live. */
export function IngestionStep({ session, onBack, onNext }: { session: OnboardingSession; onBack: () => void; onNext: () => void }) {
  const { t } = useTranslation();
  // The stream ends with the ingestion: a new run is followed by a new one.
  const [streams, setStreams] = useState(0);
  const [run, running] = useMutation(RUN_INGESTION, { onCompleted: () => setStreams((n) => n + 1) });
  const { total, done, failed } = session.progress;
  const ingesting = session.status === 'INGESTING';
  const proposed = session.status === 'PROPOSED';
  const stale = session.status === 'OPEN' && session.draft !== null;

  return (
    <Stack gap="lg">
      <Card withBorder radius="md" padding="lg" component="section" aria-labelledby="ingestion-title">
        <Group justify="space-between" align="flex-start" wrap="nowrap">
          <Stack gap={2}>
            <Title order={3} fz="lg" id="ingestion-title">
              {t('onboarding.ingestion.title')}
            </Title>
            <Text size="sm" c="dimmed">
              {t('onboarding.ingestion.help')}
            </Text>
          </Stack>
          <Badge size="lg" variant="filled" color={STATUS_COLOR[session.status]} radius="sm" data-testid="onboarding-status">
            {t(`onboarding.status.${session.status}`)}
          </Badge>
        </Group>
        {total > 0 ? (
          <Group gap="sm" mt="md" wrap="nowrap">
            <Progress value={total ? ((done + failed) / total) * 100 : 0} color={failed ? 'orange' : 'teal'} size="sm" radius="xl" style={{ flex: 1 }} animated={ingesting} aria-label={t('onboarding.ingestion.progress')} />
            <Text size="sm" fw={600} style={{ whiteSpace: 'nowrap' }}>
              {t('onboarding.ingestion.counts', { done, total, failed })}
            </Text>
          </Group>
        ) : (
          <Text size="sm" mt="md">
            {t('onboarding.ingestion.answersOnly')}
          </Text>
        )}
        {ingesting ? <LiveProgress key={streams} sessionId={session.id} /> : null}
        <Group mt="md" gap="sm">
          {!ingesting && !proposed ? (
            <Button leftSection={<IconPlayerPlay size={16} />} loading={running.loading} onClick={() => void run().catch(() => undefined)}>
              {stale || session.status === 'FAILED' ? t('onboarding.ingestion.runAgain') : t('onboarding.ingestion.run')}
            </Button>
          ) : null}
          {proposed ? (
            <Button variant="default" leftSection={<IconRefresh size={16} />} loading={running.loading} onClick={() => void run().catch(() => undefined)}>
              {t('onboarding.ingestion.runAgain')}
            </Button>
          ) : null}
        </Group>
        {running.error ? (
          <div style={{ marginTop: 12 }}>
            <ErrorAlert error={running.error} title={t('onboarding.ingestion.startFailed')} />
          </div>
        ) : null}
        {stale ? (
          <Alert color="yellow" variant="light" mt="md">
            {t('onboarding.ingestion.stale')}
          </Alert>
        ) : null}
        {session.status === 'FAILED' && session.error ? (
          <Alert color="red" variant="light" mt="md" title={t('onboarding.status.FAILED')}>
            {session.error}
          </Alert>
        ) : null}
        {proposed ? (
          <Alert color="teal" variant="light" mt="md" icon={<IconCircleCheck size={18} />} title={t('onboarding.ingestion.proposedTitle')}>
            {failed ? t('onboarding.ingestion.proposedWithFailures', { count: failed }) : t('onboarding.ingestion.proposedBody')}
          </Alert>
        ) : null}
      </Card>

      <SourceList sources={session.sources} />

      <Group justify="space-between">
        <Button variant="default" leftSection={<IconArrowLeft size={16} />} onClick={onBack}>
          {t('onboarding.back')}
        </Button>
        <Button rightSection={<IconArrowRight size={16} />} onClick={onNext} disabled={!proposed}>
          {t('onboarding.ingestion.review')}
        </Button>
      </Group>
    </Stack>
  );
}
