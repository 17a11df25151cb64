import { Badge, Button, Card, Checkbox, Group, Stack, Text, Title, UnstyledButton } from '@mantine/core';
import { IconArrowBackUp, IconArrowsDiff, IconHistory } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { formatDateTime } from '../common/format.ts';
import type { BrandDnaSnapshot } from './brand.graphql.ts';

interface BrandHistoryProps {
  history: BrandDnaSnapshot[];
  selectedId: string;
  latestId: string;
  onSelect: (id: string) => void;
  /** versions ticked for comparison (at most two) */
  compare: number[];
  onToggleCompare: (version: number) => void;
  onCompare: () => void;
  /** absent when the viewer may not write the DNA */
  onRestore?: (version: number) => void;
}

export function BrandHistory({ history, selectedId, latestId, onSelect, compare, onToggleCompare, onCompare, onRestore }: BrandHistoryProps) {
  const { t, i18n } = useTranslation();
  const sorted = [...history].sort((a, b) => b.version - a.version);
  return (
    <Card withBorder radius="md" padding="lg" component="section" aria-labelledby="brand-history-title">
      <Group gap="sm" mb="md" justify="space-between">
        <Group gap="sm">
          <IconHistory size={18} stroke={1.8} aria-hidden="true" />
          <Title order={2} fz="lg" id="brand-history-title">
            {t('brand.history')}
          </Title>
        </Group>
        {sorted.length > 1 ? (
          <Button size="compact-sm" variant="light" leftSection={<IconArrowsDiff size={14} />} disabled={compare.length !== 2} onClick={onCompare}>
            {t('brand.compare.action')}
          </Button>
        ) : null}
      </Group>
      {sorted.length > 1 ? (
        <Text size="xs" c="dimmed" mb="sm">
          {t('brand.compare.hint')}
        </Text>
      ) : null}
      {sorted.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t('brand.noHistory')}
        </Text>
      ) : (
        <Stack component="ol" gap={6} m={0} p={0} style={{ listStyle: 'none' }} aria-labelledby="brand-history-title">
          {sorted.map((snapshot) => {
            const selected = snapshot.id === selectedId;
            const ticked = compare.includes(snapshot.version);
            return (
              <li
                key={snapshot.id}
                style={{
                  borderRadius: 8,
                  border: `1px solid ${selected ? 'var(--mantine-color-brand-3)' : 'var(--mantine-color-gray-2)'}`,
                  background: selected ? 'var(--mantine-color-brand-0)' : 'transparent',
                }}
              >
                <UnstyledButton onClick={() => onSelect(snapshot.id)} aria-current={selected ? 'true' : undefined} aria-label={t('brand.viewVersion', { version: snapshot.version })} w="100%" p="sm" pb={4}>
                  <Group justify="space-between" wrap="nowrap">
                    <Text fw={600} size="sm">
                      {t('brand.version', { version: snapshot.version })}
                    </Text>
                    {snapshot.id === latestId ? (
                      <Badge size="xs" variant="light" color="teal">
                        {t('brand.current')}
                      </Badge>
                    ) : null}
                  </Group>
                  <Text size="xs" c="dimmed" mt={2}>
                    {formatDateTime(snapshot.createdAt, i18n.language)}
                  </Text>
                  {snapshot.note ? (
                    <Text size="xs" mt={4} lineClamp={2}>
                      {snapshot.note}
                    </Text>
                  ) : null}
                </UnstyledButton>
                <Group justify="space-between" px="sm" pb="sm" pt={4} gap="xs">
                  {sorted.length > 1 ? (
                    <Checkbox
                      size="xs"
                      label={t('brand.compare.pick')}
                      aria-label={t('brand.compare.pickVersion', { version: snapshot.version })}
                      checked={ticked}
                      disabled={!ticked && compare.length >= 2}
                      onChange={() => onToggleCompare(snapshot.version)}
                    />
                  ) : (
                    <span />
                  )}
                  {onRestore && snapshot.id !== latestId ? (
                    <Button
                      size="compact-xs"
                      variant="subtle"
                      leftSection={<IconArrowBackUp size={14} />}
                      aria-label={t('brand.restore.versionAction', { version: snapshot.version })}
                      onClick={() => onRestore(snapshot.version)}
                    >
                      {t('brand.restore.action')}
                    </Button>
                  ) : null}
                </Group>
              </li>
            );
          })}
        </Stack>
      )}
    </Card>
  );
}
