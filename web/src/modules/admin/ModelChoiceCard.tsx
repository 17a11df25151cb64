import { Badge, Card, Group, Radio, Stack, Text, Title } from '@mantine/core';
import { useMutation, useQuery } from '@apollo/client/react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../common/ErrorAlert.tsx';
import { PageLoader } from '../common/PageLoader.tsx';
import { AVAILABLE_MODELS_QUERY, CHOOSE_MODEL_MUTATION } from './ai-admin.graphql.ts';

const AUTOMATIC = 'automatic';

/** A client's pick of the model that writes its content: names and tiers only, among its plan's. */
export function ModelChoiceCard({ canChange }: { canChange: boolean }) {
  const { t } = useTranslation();
  const { data, loading, error, refetch } = useQuery(AVAILABLE_MODELS_QUERY, { variables: { task: 'GENERATION' }, fetchPolicy: 'cache-and-network' });
  const [choose, choosing] = useMutation(CHOOSE_MODEL_MUTATION);
  const [saved, setSaved] = useState<string | null>(null);
  if (loading && !data) return <PageLoader />;
  if (!data) return <ErrorAlert error={error} onRetry={() => void refetch()} />;
  const models = data.availableModels;
  const value = models.find((m) => m.chosen)?.id ?? AUTOMATIC;
  const pick = (next: string) => {
    setSaved(null);
    void choose({ variables: { task: 'GENERATION', modelId: next === AUTOMATIC ? null : next } })
      .then((result) => {
        const name = result.data?.chooseModel.find((m) => m.chosen)?.name;
        setSaved(name ? t('settings.model.saved', { name }) : t('settings.model.savedAutomatic'));
      })
      .catch(() => undefined);
  };
  return (
    <Card withBorder radius="md" padding="lg" component="section" aria-labelledby="model-choice-title">
      <Title order={2} fz="lg" id="model-choice-title">{t('settings.model.title')}</Title>
      <Text size="sm" c="dimmed" mt={4} mb="md">{t('settings.model.description')}</Text>
      {models.length === 0 ? <Text size="sm">{t('settings.model.none')}</Text> : null}
      <Radio.Group value={value} onChange={pick} aria-labelledby="model-choice-title">
        <Stack gap="sm">
          <Radio value={AUTOMATIC} disabled={!canChange || choosing.loading}
            label={t('settings.model.automatic')} description={t('settings.model.automaticHint')} />
          {models.map((model) => (
            <Radio key={model.id} value={model.id} disabled={!canChange || choosing.loading}
              label={<Group gap="xs">{model.name}<Badge size="xs" variant="light" color={model.tier === 'PREMIUM' ? 'grape' : 'gray'}>{t(`aiAdmin.tiers.${model.tier}`)}</Badge></Group>} />
          ))}
        </Stack>
      </Radio.Group>
      <ErrorAlert error={choosing.error} />
      {saved ? <Text size="sm" c="teal" mt="sm" role="status">{saved}</Text> : null}
    </Card>
  );
}
