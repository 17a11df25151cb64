import { Badge, Box, Group, Loader, Stack, Text, ThemeIcon } from '@mantine/core';
import { IconCheck, IconX } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { formatDateTime, formatDuration, formatMonth, formatNumber } from '../common/format.ts';
import type { PipelineStep, StepStatus } from './pipeline.graphql.ts';
import { summarizeResult } from './step-summary.ts';
import { useFactLabel } from './useFactLabel.ts';

export const STEP_STATUS_COLOR: Record<StepStatus, string> = { PENDING: 'gray', RUNNING: 'brand', COMPLETED: 'teal', FAILED: 'red' };

function StepIcon({ step }: { step: PipelineStep }) {
  if (step.status === 'COMPLETED') {
    return (
      <ThemeIcon color="teal" radius="xl" size={34}>
        <IconCheck size={18} stroke={2.5} />
      </ThemeIcon>
    );
  }
  if (step.status === 'FAILED') {
    return (
      <ThemeIcon color="red" radius="xl" size={34}>
        <IconX size={18} stroke={2.5} />
      </ThemeIcon>
    );
  }
  if (step.status === 'RUNNING') {
    return (
      <ThemeIcon color="brand" variant="light" radius="xl" size={34}>
        <Loader size={18} color="brand" />
      </ThemeIcon>
    );
  }
  return (
    <ThemeIcon color="gray" variant="outline" radius="xl" size={34} bg="white">
      <Text size="sm" fw={600} c="dimmed">
        {step.position}
      </Text>
    </ThemeIcon>
  );
}


export function PipelineSteps({ steps }: { steps: PipelineStep[] }) {
  const { t, i18n } = useTranslation();
  const factLabel = useFactLabel();
  const ordered = [...steps].sort((a, b) => a.position - b.position);
  const formats = {
    number: (n: number) => formatNumber(n, i18n.language),
    dateTime: (value: string) => formatDateTime(value, i18n.language),
    month: (value: string) => formatMonth(value, i18n.language),
  };
  return (
    <Box component="ol" m={0} p={0} aria-label={t('pipeline.steps')} style={{ listStyle: 'none' }}>
      {ordered.map((step, index) => {
        const facts = summarizeResult(step.result, formats);
        const last = index === ordered.length - 1;
        const duration = formatDuration(step.startedAt, step.finishedAt);
        return (
          <li key={step.step} aria-label={`${t(`pipeline.stepNames.${step.step}`)} — ${t(`pipeline.stepStatus.${step.status}`)}`}>
            <Group align="stretch" gap="md" wrap="nowrap">
              <Stack align="center" gap={0}>
                <StepIcon step={step} />
                {!last ? (
                  <Box
                    style={{
                      flex: 1,
                      width: 2,
                      minHeight: 18,
                      background: step.status === 'COMPLETED' ? 'var(--mantine-color-teal-4)' : 'var(--mantine-color-gray-3)',
                    }}
                  />
                ) : null}
              </Stack>
              <Stack gap={4} pb={last ? 0 : 'lg'} style={{ flex: 1, minWidth: 0 }}>
                <Group justify="space-between" wrap="nowrap" gap="sm" mt={6}>
                  <Text fw={600}>{t(`pipeline.stepNames.${step.step}`)}</Text>
                  <Group gap={6} wrap="nowrap">
                    {step.attempts > 1 ? (
                      <Badge variant="outline" color="orange" size="sm" radius="sm" tt="none">
                        {t('pipeline.attempts', { count: step.attempts })}
                      </Badge>
                    ) : null}
                    <Badge variant="light" color={STEP_STATUS_COLOR[step.status]} radius="sm">
                      {t(`pipeline.stepStatus.${step.status}`)}
                    </Badge>
                  </Group>
                </Group>
                <Text size="sm" c="dimmed">
                  {t(`pipeline.stepDescriptions.${step.step}`)}
                  {duration ? ` · ${duration}` : ''}
                </Text>
                {facts.length > 0 ? (
                  <Group gap={6} mt={4}>
                    {facts.map((fact) => (
                      <Badge key={fact.key} variant="default" radius="sm" tt="none" fw={500} size="md">
                        {factLabel(fact.key)}: <strong>{fact.value}</strong>
                      </Badge>
                    ))}
                  </Group>
                ) : null}
                {step.error ? (
                  <Text size="sm" c="red.7" mt={4} role="note">
                    {t('pipeline.stepError', { error: step.error })}
                  </Text>
                ) : null}
              </Stack>
            </Group>
          </li>
        );
      })}
    </Box>
  );
}
