import { Group, SegmentedControl, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@apollo/client/react';
import { IconCheck } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSession } from '../modules/auth/useSession.ts';
import { ErrorAlert } from '../modules/common/ErrorAlert.tsx';
import { PageHeader } from '../modules/common/PageHeader.tsx';
import { PageLoader } from '../modules/common/PageLoader.tsx';
import { MergedPromptView } from '../modules/prompts/MergedPromptView.tsx';
import { PromptLayerCard } from '../modules/prompts/PromptLayerCard.tsx';
import { LEVELS } from '../modules/prompts/levels.ts';
import { PROMPTS_QUERY } from '../modules/prompts/prompts.graphql.ts';

const LOCALES = ['fr', 'en'] as const;

/** T7: the prompt layers of the viewer's chain, one column per level, and their merge with provenance. */
export function PromptsPage() {
  const { t } = useTranslation();
  const { viewer } = useSession();
  const own = viewer?.tenant.locale.slice(0, 2);
  const [locale, setLocale] = useState<string>(LOCALES.find((l) => l === own) ?? 'en');
  const [saved, setSaved] = useState<number | null>(null);
  const { data, loading, error, refetch } = useQuery(PROMPTS_QUERY, { variables: { locale } });
  const merged = data?.mergedPrompt;
  const levels = LEVELS.filter((level) => merged?.layers.some((l) => l.level === level));

  return (
    <>
      <PageHeader
        title={t('prompts.title')}
        description={t('prompts.subtitle')}
        actions={
          <SegmentedControl
            aria-label={t('prompts.locale')}
            value={locale}
            onChange={(value) => {
              setSaved(null);
              setLocale(value);
            }}
            data={LOCALES.map((l) => ({ value: l, label: l.toUpperCase() }))}
          />
        }
      />
      {saved !== null ? (
        <Group gap={6} mb="md" role="status">
          <IconCheck size={16} color="var(--mantine-color-teal-7)" aria-hidden="true" />
          <Text size="sm" c="teal.8">
            {t('prompts.saved', { version: saved })}
          </Text>
        </Group>
      ) : null}
      {loading && !data ? <PageLoader /> : null}
      {error && !data ? <ErrorAlert error={error} onRetry={() => void refetch()} /> : null}
      {merged ? (
        <Stack gap="lg">
          <SimpleGrid cols={{ base: 1, md: levels.length }} spacing="lg">
            {levels.map((level) => (
              <Stack key={level} gap="sm" component="section" aria-label={t(`prompts.levels.${level}`)}>
                <Title order={2} fz="sm" tt="uppercase" c="dimmed" style={{ letterSpacing: '0.04em' }}>
                  {t(`prompts.levels.${level}`)}
                </Title>
                {merged.layers
                  .filter((layer) => layer.level === level)
                  .map((layer) => (
                    <PromptLayerCard key={`${layer.tenantId}:${layer.version}`} layer={layer} onSaved={setSaved} />
                  ))}
              </Stack>
            ))}
          </SimpleGrid>
          <MergedPromptView merged={merged} />
        </Stack>
      ) : null}
    </>
  );
}
