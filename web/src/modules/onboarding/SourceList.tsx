import { ActionIcon, Badge, Group, Loader, Paper, Stack, Text } from '@mantine/core';
import { IconAlertTriangle, IconFileTypePdf, IconMicrophone, IconTrash, IconWorld } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import type { OnboardingSource, SourceKind, SourceStage } from './onboarding.graphql.ts';

const KIND_ICON: Record<SourceKind, typeof IconWorld> = { PDF: IconFileTypePdf, AUDIO: IconMicrophone, URL: IconWorld };
export const STAGE_COLOR: Record<SourceStage, string> = { QUEUED: 'gray', FETCHING: 'blue', PARSING: 'indigo', TRANSCRIBING: 'grape', DONE: 'teal', FAILED: 'red' };

function num(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/** One line on what the running step reports or what the source gave. */
function useDetail() {
  const { t } = useTranslation();
  return (source: OnboardingSource): string | null => {
    const p = source.progress;
    if (source.stage === 'FETCHING' && source.kind === 'URL' && num(p.pagesRead) !== null) {
      return t('onboarding.sources.crawling', { pages: num(p.pagesRead), url: typeof p.url === 'string' ? p.url : '' });
    }
    const s = source.summary;
    if (source.stage !== 'DONE' || !s) return null;
    if (source.kind === 'URL') return t('onboarding.sources.summaryUrl', { pages: num(s.pages) ?? 0, skipped: num(s.skipped) ?? 0 });
    if (source.kind === 'PDF') return t('onboarding.sources.summaryPdf', { pages: num(s.pages) ?? 0, characters: num(s.characters) ?? 0 });
    return t('onboarding.sources.summaryAudio', { characters: num(s.characters) ?? 0, engine: typeof s.engine === 'string' ? s.engine : '' });
  };
}

function name(source: OnboardingSource): string {
  return source.kind === 'URL' ? (source.url ?? source.label) : (source.filename ?? source.label.replace(/^\w+:/, ''));
}

/** The session's files and websites with their live stage; removable while no ingestion runs. */
export function SourceList({ sources, onRemove, removing }: { sources: OnboardingSource[]; onRemove?: (id: string) => void; removing?: string | null }) {
  const { t } = useTranslation();
  const detail = useDetail();
  if (sources.length === 0) {
    return (
      <Text size="sm" c="dimmed">
        {t('onboarding.sources.none')}
      </Text>
    );
  }
  return (
    <Stack gap="xs" role="list" aria-label={t('onboarding.sources.listLabel')}>
      {sources.map((source) => {
        const Icon = KIND_ICON[source.kind];
        const info = detail(source);
        const running = !['QUEUED', 'DONE', 'FAILED'].includes(source.stage);
        return (
          <Paper key={source.id} withBorder radius="md" p="sm" role="listitem" data-testid="onboarding-source" data-stage={source.stage} aria-label={name(source)}>
            <Group justify="space-between" wrap="nowrap" gap="sm">
              <Group gap="sm" wrap="nowrap" style={{ minWidth: 0 }}>
                <Icon size={20} aria-hidden="true" style={{ flexShrink: 0 }} />
                <Stack gap={0} style={{ minWidth: 0 }}>
                  <Text size="sm" fw={500} truncate>
                    {name(source)}
                  </Text>
                  {info ? (
                    <Text size="xs" c="dimmed" truncate>
                      {info}
                    </Text>
                  ) : null}
                  {source.kind === 'AUDIO' ? (
                    <Text size="xs" c="dimmed">
                      {t('onboarding.sources.spokenIn', { language: source.language })}
                    </Text>
                  ) : null}
                </Stack>
              </Group>
              <Group gap="xs" wrap="nowrap">
                {running ? <Loader size="xs" aria-hidden="true" /> : null}
                <Badge color={STAGE_COLOR[source.stage]} variant="light" radius="sm" data-testid="source-stage">
                  {t(`onboarding.stages.${source.stage}`)}
                </Badge>
                {onRemove ? (
                  <ActionIcon variant="subtle" color="red" loading={removing === source.id} aria-label={t('onboarding.sources.remove', { name: name(source) })} onClick={() => onRemove(source.id)}>
                    <IconTrash size={16} />
                  </ActionIcon>
                ) : null}
              </Group>
            </Group>
            {source.stage === 'FAILED' && source.error ? (
              <Group gap={6} mt={6} wrap="nowrap" align="flex-start">
                <IconAlertTriangle size={14} color="var(--mantine-color-red-7)" aria-hidden="true" style={{ flexShrink: 0, marginTop: 2 }} />
                <Text size="xs" c="red.8" role="alert">
                  {source.error}
                </Text>
              </Group>
            ) : null}
          </Paper>
        );
      })}
    </Stack>
  );
}
