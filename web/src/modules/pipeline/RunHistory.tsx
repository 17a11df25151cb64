import { Badge, Card, Group, Stack, Text, Title, UnstyledButton } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { formatDateTime, formatMonth } from '../common/format.ts';
import type { PipelineRun, PipelineStatus } from './pipeline.graphql.ts';

export const RUN_STATUS_COLOR: Record<PipelineStatus, string> = { RUNNING: 'brand', COMPLETED: 'teal', FAILED: 'red' };

export function RunHistory({ runs, selectedId, onSelect }: { runs: PipelineRun[]; selectedId: string | null; onSelect: (id: string) => void }) {
  const { t, i18n } = useTranslation();
  return (
    <Card withBorder radius="md" padding="lg" component="section" aria-labelledby="run-history-title">
      <Title order={2} fz="lg" mb="md" id="run-history-title">
        {t('pipeline.history')}
      </Title>
      {runs.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t('pipeline.noRuns')}
        </Text>
      ) : (
        <Stack component="ol" gap={6} m={0} p={0} style={{ listStyle: 'none' }} aria-labelledby="run-history-title">
          {runs.map((run) => {
            const selected = run.id === selectedId;
            const done = run.steps.filter((step) => step.status === 'COMPLETED').length;
            return (
              <li key={run.id}>
                <UnstyledButton
                  onClick={() => onSelect(run.id)}
                  aria-current={selected ? 'true' : undefined}
                  w="100%"
                  p="sm"
                  style={{
                    borderRadius: 8,
                    border: `1px solid ${selected ? 'var(--mantine-color-brand-3)' : 'var(--mantine-color-gray-2)'}`,
                    background: selected ? 'var(--mantine-color-brand-0)' : 'transparent',
                  }}
                >
                  <Group justify="space-between" wrap="nowrap">
                    <Text fw={600} size="sm" tt="capitalize">
                      {formatMonth(run.month, i18n.language)}
                    </Text>
                    <Badge size="sm" variant="light" color={RUN_STATUS_COLOR[run.status]} radius="sm">
                      {t(`pipeline.runStatus.${run.status}`)}
                    </Badge>
                  </Group>
                  <Text size="xs" c="dimmed" mt={2}>
                    {t('pipeline.stepsDone', { done, total: run.steps.length })} · {formatDateTime(run.startedAt, i18n.language)}
                  </Text>
                </UnstyledButton>
              </li>
            );
          })}
        </Stack>
      )}
    </Card>
  );
}
