import { Badge, Card, Group, Stack, Text, Title, UnstyledButton } from '@mantine/core';
import { IconHistory } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { formatDateTime } from '../common/format.ts';
import type { BrandDnaSnapshot } from './brand.graphql.ts';

export function BrandHistory({ history, selectedId, latestId, onSelect }: { history: BrandDnaSnapshot[]; selectedId: string; latestId: string; onSelect: (id: string) => void }) {
  const { t, i18n } = useTranslation();
  const sorted = [...history].sort((a, b) => b.version - a.version);
  return (
    <Card withBorder radius="md" padding="lg" component="section" aria-labelledby="brand-history-title">
      <Group gap="sm" mb="md">
        <IconHistory size={18} stroke={1.8} aria-hidden="true" />
        <Title order={2} fz="lg" id="brand-history-title">
          {t('brand.history')}
        </Title>
      </Group>
      {sorted.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t('brand.noHistory')}
        </Text>
      ) : (
        <Stack component="ol" gap={6} m={0} p={0} style={{ listStyle: 'none' }} aria-labelledby="brand-history-title">
          {sorted.map((snapshot) => {
            const selected = snapshot.id === selectedId;
            return (
              <li key={snapshot.id}>
                <UnstyledButton
                  onClick={() => onSelect(snapshot.id)}
                  aria-current={selected ? 'true' : undefined}
                  aria-label={t('brand.viewVersion', { version: snapshot.version })}
                  w="100%"
                  p="sm"
                  style={{
                    borderRadius: 8,
                    border: `1px solid ${selected ? 'var(--mantine-color-brand-3)' : 'var(--mantine-color-gray-2)'}`,
                    background: selected ? 'var(--mantine-color-brand-0)' : 'transparent',
                  }}
                >
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
              </li>
            );
          })}
        </Stack>
      )}
    </Card>
  );
}
