import { Badge, Card, Group, Stack, Text, Title, Tooltip } from '@mantine/core';
import { IconStack2 } from '@tabler/icons-react';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { LEVEL_COLORS, LEVELS } from './levels.ts';
import { countByLevel, mergedRows } from './merged-tree.ts';
import type { MergedPrompt, PromptProvenance } from './prompts.graphql.ts';

function ProvenanceBadge({ origin, owner }: { origin: PromptProvenance; owner: string }) {
  const { t } = useTranslation();
  const label = t('prompts.setBy', { level: t(`prompts.levels.${origin.level}`), owner, version: origin.version });
  return (
    <Tooltip label={label} withArrow>
      <Badge size="xs" variant="light" color={LEVEL_COLORS[origin.level]} radius="sm" aria-label={label} data-testid="provenance-badge" style={{ cursor: 'help', flexShrink: 0 }}>
        {t(`prompts.levelShort.${origin.level}`)} v{origin.version}
      </Badge>
    </Tooltip>
  );
}

/** The merged prompt, one line per key, each leaf badged with the level that set it. */
export function MergedPromptView({ merged }: { merged: MergedPrompt }) {
  const { t } = useTranslation();
  const rows = useMemo(() => mergedRows(merged.document, merged.provenance), [merged]);
  const counts = useMemo(() => countByLevel(merged.provenance), [merged]);
  const owners = new Map(merged.layers.map((l) => [l.tenantId, l.tenantName ?? t(`prompts.ancestors.${l.level}`)]));
  return (
    <Card withBorder radius="md" padding="lg" component="section" aria-labelledby="merged-prompt-title">
      <Group justify="space-between" mb="md" wrap="wrap" gap="sm">
        <Group gap="sm">
          <IconStack2 size={18} aria-hidden="true" />
          <Title order={2} fz="lg" id="merged-prompt-title">
            {t('prompts.merged')}
          </Title>
        </Group>
        <Group gap={6}>
          {LEVELS.filter((level) => counts[level]).map((level) => (
            <Badge key={level} variant="dot" color={LEVEL_COLORS[level]} tt="none">
              {t('prompts.legend', { level: t(`prompts.levels.${level}`), count: counts[level] })}
            </Badge>
          ))}
        </Group>
      </Group>
      {rows.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t('prompts.mergedEmpty')}
        </Text>
      ) : (
        <Stack component="ul" gap={4} m={0} p={0} style={{ listStyle: 'none' }} aria-label={t('prompts.merged')}>
          {rows.map((row) => (
            <li key={row.path} style={{ paddingLeft: row.depth * 18 }} data-path={row.path}>
              <Group gap={8} wrap="nowrap" align="flex-start">
                <Text size="sm" fw={row.value === undefined ? 700 : 500} ff="monospace" style={{ flexShrink: 0 }}>
                  {row.key}
                  {row.value === undefined ? '' : ':'}
                </Text>
                {row.value !== undefined ? (
                  <Text size="sm" style={{ flex: 1, minWidth: 0, wordBreak: 'break-word' }}>
                    {row.value}
                  </Text>
                ) : null}
                {row.provenance ? <ProvenanceBadge origin={row.provenance} owner={owners.get(row.provenance.tenantId) ?? ''} /> : null}
              </Group>
            </li>
          ))}
        </Stack>
      )}
    </Card>
  );
}
