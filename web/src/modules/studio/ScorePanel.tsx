import { Badge, Card, Center, Divider, Group, Loader, Progress, RingProgress, ScrollArea, Stack, Text, ThemeIcon, Title } from '@mantine/core';
import { IconAlertCircle, IconBulb, IconCircleCheck, IconCircleDashed, IconCircleX } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../common/ErrorAlert.tsx';
import { humanizeKey } from '../common/format.ts';
import type { CheckStatus, SeoCheck, SeoScore } from './studio.graphql.ts';

const STATUS_COLOR: Record<CheckStatus, string> = { GOOD: 'teal', IMPROVE: 'yellow', PROBLEM: 'red' };
const STATUS_ICON = { GOOD: IconCircleCheck, IMPROVE: IconAlertCircle, PROBLEM: IconCircleX } as const;

export function scoreColor(value: number): string {
  if (value >= 80) return 'teal';
  if (value >= 50) return 'yellow';
  return 'red';
}

function SubScore({ label, value }: { label: string; value: number }) {
  return (
    <div>
      <Group justify="space-between" mb={4}>
        <Text size="sm" fw={500}>
          {label}
        </Text>
        <Text size="sm" fw={700}>
          {value}
        </Text>
      </Group>
      <Progress value={value} color={scoreColor(value)} size="md" radius="xl" aria-label={label} />
    </div>
  );
}

function CheckItem({ check }: { check: SeoCheck }) {
  const { t } = useTranslation();
  const StatusIcon = STATUS_ICON[check.status];
  return (
    <li style={{ listStyle: 'none' }}>
      <Group gap="sm" wrap="nowrap" align="flex-start">
        <ThemeIcon color={STATUS_COLOR[check.status]} variant="light" radius="xl" size={26} mt={1}>
          <StatusIcon size={16} />
        </ThemeIcon>
        <Stack gap={2} style={{ flex: 1, minWidth: 0 }}>
          <Group justify="space-between" gap="xs" wrap="nowrap" align="flex-start">
            <Text size="sm" fw={600}>
              {check.label}
            </Text>
            <Badge color={STATUS_COLOR[check.status]} variant="light" size="sm" radius="sm" style={{ flexShrink: 0 }}>
              {t(`studio.checkStatus.${check.status}`)}
            </Badge>
          </Group>
          <Text size="xs" c="dimmed">
            {check.explanation}
          </Text>
          {check.suggestion && check.status !== 'GOOD' ? (
            <Group gap={6} wrap="nowrap" align="flex-start" mt={2}>
              <IconBulb size={14} color="var(--mantine-color-yellow-7)" style={{ flexShrink: 0, marginTop: 2 }} aria-hidden="true" />
              <Text size="xs">{check.suggestion}</Text>
            </Group>
          ) : null}
          <Text size="xs" c="dimmed" aria-label={t('studio.pointsLabel', { score: check.score, max: check.maxScore })}>
            {t('studio.points', { score: check.score, max: check.maxScore })}
          </Text>
        </Stack>
      </Group>
    </li>
  );
}

const KNOWN_GROUPS = ['seo', 'readability', 'geo'] as const;
type KnownGroup = (typeof KNOWN_GROUPS)[number];

export function ScorePanel({ score, pending, error }: { score: SeoScore | null; pending: boolean; error: unknown }) {
  const { t } = useTranslation();
  const groupLabel = (group: string) => {
    const key = group.toLowerCase();
    return (KNOWN_GROUPS as readonly string[]).includes(key) ? t(`studio.groups.${key as KnownGroup}`) : humanizeKey(group);
  };
  const groups = new Map<string, SeoCheck[]>();
  for (const check of score?.checks ?? []) {
    const list = groups.get(check.group) ?? [];
    list.push(check);
    groups.set(check.group, list);
  }
  const counts = { GOOD: 0, IMPROVE: 0, PROBLEM: 0 };
  for (const check of score?.checks ?? []) counts[check.status] += 1;

  return (
    <Card withBorder radius="md" padding="lg" component="section" aria-labelledby="score-panel-title">
      <Group justify="space-between" mb="md">
        <Title order={2} fz="lg" id="score-panel-title">
          {t('studio.scoreTitle')}
        </Title>
        <Group gap={6} aria-live="polite">
          {pending ? <Loader size={14} /> : <IconCircleDashed size={14} color="var(--mantine-color-teal-6)" aria-hidden="true" />}
          <Text size="xs" c="dimmed">
            {pending ? t('studio.scoring') : score ? t('studio.upToDate') : t('studio.waitingForScore')}
          </Text>
        </Group>
      </Group>
      {error ? <ErrorAlert error={error} /> : null}
      {!score ? (
        <Center mih={200}>
          <Stack align="center" gap="xs">
            <Loader size="sm" />
            <Text size="sm" c="dimmed">
              {t('studio.waitingForScore')}
            </Text>
          </Stack>
        </Center>
      ) : (
        <Stack gap="lg">
          <Group gap="xl" wrap="nowrap" align="center">
            <div role="meter" aria-label={t('studio.totalScore')} aria-valuenow={score.total} aria-valuemin={0} aria-valuemax={100}>
              <RingProgress
                size={128}
                thickness={12}
                roundCaps
                sections={[{ value: score.total, color: scoreColor(score.total) }]}
                label={
                  <Stack gap={0} align="center">
                    <Text fw={800} fz={32} lh={1}>
                      {score.total}
                    </Text>
                    <Text size="xs" c="dimmed">
                      / 100
                    </Text>
                  </Stack>
                }
              />
            </div>
            <Stack gap="sm" style={{ flex: 1 }}>
              <SubScore label={t('studio.seo')} value={score.seo} />
              <SubScore label={t('studio.geo')} value={score.geo} />
              <Group gap={6}>
                <Badge color="red" variant="light" size="sm">
                  {t('studio.counts.PROBLEM', { count: counts.PROBLEM })}
                </Badge>
                <Badge color="yellow" variant="light" size="sm">
                  {t('studio.counts.IMPROVE', { count: counts.IMPROVE })}
                </Badge>
                <Badge color="teal" variant="light" size="sm">
                  {t('studio.counts.GOOD', { count: counts.GOOD })}
                </Badge>
              </Group>
            </Stack>
          </Group>
          <Divider />
          <ScrollArea.Autosize mah="calc(100vh - 420px)" type="auto" offsetScrollbars>
            <Stack gap="lg">
              {[...groups.entries()].map(([group, checks]) => (
                <section key={group} aria-label={groupLabel(group)}>
                  <Text size="xs" tt="uppercase" fw={700} c="dimmed" mb="xs" style={{ letterSpacing: '0.05em' }}>
                    {groupLabel(group)}
                  </Text>
                  <Stack component="ul" gap="md" m={0} p={0}>
                    {/* Server order: re-sorting by status would make checks jump while the user types. */}
                    {checks.map((check) => (
                      <CheckItem key={check.id} check={check} />
                    ))}
                  </Stack>
                </section>
              ))}
            </Stack>
          </ScrollArea.Autosize>
        </Stack>
      )}
    </Card>
  );
}
