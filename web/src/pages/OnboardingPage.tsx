import { Alert, Button, Card, Group, Stack, Stepper, Text, Title } from '@mantine/core';
import { useQuery } from '@apollo/client/react';
import { IconCircleCheck, IconDna2 } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import { useSession } from '../modules/auth/useSession.ts';
import type { BrandDnaWrite } from '../modules/brand/brand.graphql.ts';
import { ErrorAlert } from '../modules/common/ErrorAlert.tsx';
import { PageHeader } from '../modules/common/PageHeader.tsx';
import { PageLoader } from '../modules/common/PageLoader.tsx';
import { IngestionStep } from '../modules/onboarding/IngestionStep.tsx';
import { QuestionnaireStep } from '../modules/onboarding/QuestionnaireStep.tsx';
import { ReviewStep } from '../modules/onboarding/ReviewStep.tsx';
import { SourcesStep } from '../modules/onboarding/SourcesStep.tsx';
import { ONBOARDING_QUERY, type OnboardingSession } from '../modules/onboarding/onboarding.graphql.ts';

/** Where the wizard opens for a session: the step its state calls for. */
function stepFor(session: OnboardingSession | null): number {
  if (!session) return 0;
  if (session.status === 'PROPOSED') return 3;
  if (session.status === 'INGESTING' || session.status === 'FAILED' || session.draft) return 2;
  return session.answered ? 1 : 0;
}

/** T8: the guided onboarding wizard — questionnaire, sources, live ingestion, review, acceptance. */
export function OnboardingPage() {
  const { t } = useTranslation();
  const { viewer } = useSession();
  const { data, loading, error, refetch } = useQuery(ONBOARDING_QUERY, { variables: {} });
  const [active, setActive] = useState<number | null>(null);
  const [accepted, setAccepted] = useState<BrandDnaWrite | null>(null);
  const session = data?.onboarding ?? null;

  useEffect(() => {
    if (data && active === null) setActive(stepFor(data.onboarding));
  }, [data, active]);

  if (loading && !data) return <PageLoader />;
  if (error && !data) return <ErrorAlert error={error} onRetry={() => void refetch()} />;
  const step = accepted ? 4 : (active ?? 0);
  const workspace = { locale: viewer?.tenant.locale ?? 'en', currency: viewer?.tenant.currency ?? 'EUR' };
  const reachable = (index: number) => !accepted && (index <= 1 || (index === 2 && session !== null) || (index === 3 && session?.status === 'PROPOSED'));

  return (
    <>
      <PageHeader title={t('onboarding.title')} description={t('onboarding.subtitle')} />
      <Stepper active={step} onStepClick={(index) => reachable(index) && setActive(index)} size="sm" mb="xl" wrap>
        <Stepper.Step label={t('onboarding.steps.questionnaire')} description={t('onboarding.steps.questionnaireHelp')} allowStepSelect={reachable(0)}>
          <QuestionnaireStep key={session?.id ?? 'new'} session={session} workspace={workspace} onNext={() => setActive(1)} />
        </Stepper.Step>
        <Stepper.Step label={t('onboarding.steps.sources')} description={t('onboarding.steps.sourcesHelp')} allowStepSelect={reachable(1)}>
          <SourcesStep session={session} workspaceLocale={workspace.locale} onBack={() => setActive(0)} onNext={() => setActive(2)} />
        </Stepper.Step>
        <Stepper.Step label={t('onboarding.steps.ingestion')} description={t('onboarding.steps.ingestionHelp')} allowStepSelect={reachable(2)} loading={session?.status === 'INGESTING'}>
          {session ? <IngestionStep session={session} onBack={() => setActive(1)} onNext={() => setActive(3)} /> : null}
        </Stepper.Step>
        <Stepper.Step label={t('onboarding.steps.review')} description={t('onboarding.steps.reviewHelp')} allowStepSelect={reachable(3)}>
          {session?.draft ? (
            <ReviewStep key={session.updatedAt} draft={session.draft} onBack={() => setActive(2)} onAccepted={setAccepted} />
          ) : (
            <Alert variant="light">{t('onboarding.review.noDraft')}</Alert>
          )}
        </Stepper.Step>
        <Stepper.Step label={t('onboarding.steps.accept')} description={t('onboarding.steps.acceptHelp')} allowStepSelect={false}>
          {accepted ? (
            <Card withBorder radius="md" padding="xl">
              <Stack gap="md" align="flex-start">
                <Group gap="sm">
                  <IconCircleCheck size={28} color="var(--mantine-color-teal-7)" aria-hidden="true" />
                  <Title order={2} fz="xl">
                    {t('onboarding.done.title', { version: accepted.version })}
                  </Title>
                </Group>
                <Text size="sm" c="dimmed" role="status">
                  {t('onboarding.done.body', { version: accepted.version })}
                </Text>
                <Group gap="sm">
                  <Button component={Link} to="/brand" leftSection={<IconDna2 size={16} />}>
                    {t('onboarding.done.toBrand')}
                  </Button>
                  <Button variant="default" onClick={() => { setAccepted(null); setActive(0); }}>
                    {t('onboarding.done.again')}
                  </Button>
                </Group>
              </Stack>
            </Card>
          ) : null}
        </Stepper.Step>
      </Stepper>
    </>
  );
}
