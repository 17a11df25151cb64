import { Badge, Group, Stack, Text } from '@mantine/core';
import type { DetailNode } from './brand-dna-view.ts';
import { useTranslation } from 'react-i18next';
import { humanizeKey } from '../common/format.ts';

const KNOWN_FIELDS = ['founded', 'location', 'story', 'sector', 'industry', 'city', 'website', 'address', 'phone', 'email', 'description', 'founders', 'team', 'country', 'languages'] as const;
type KnownField = (typeof KNOWN_FIELDS)[number];

/** Nested details as a definition list: keys humanised, lists as badges, objects indented. */
export function DetailList({ nodes, depth = 0 }: { nodes: DetailNode[]; depth?: number }) {
  const { t } = useTranslation();
  const label = (key: string) => ((KNOWN_FIELDS as readonly string[]).includes(key) ? t(`brand.fields.${key as KnownField}`) : humanizeKey(key));
  return (
    <Stack component="dl" gap={depth === 0 ? 'sm' : 6} m={0} pl={depth > 0 ? 'md' : 0} style={depth > 0 ? { borderLeft: '2px solid var(--mantine-color-gray-2)' } : undefined}>
      {nodes.map((node, index) => (
        <div key={`${node.key}-${index}`}>
          <Text component="dt" size="xs" tt="uppercase" fw={600} c="dimmed" style={{ letterSpacing: '0.04em' }}>
            {label(node.key)}
          </Text>
          <Text component="dd" m={0} mt={2} size="sm">
            {typeof node.value === 'string' ? (
              node.value
            ) : node.value.length > 0 && typeof node.value[0] === 'string' ? (
              <Group component="span" gap={6}>
                {(node.value as string[]).map((item) => (
                  <Badge key={item} variant="light" color="gray" radius="sm" tt="none" fw={500}>
                    {item}
                  </Badge>
                ))}
              </Group>
            ) : (
              <DetailList nodes={node.value as DetailNode[]} depth={depth + 1} />
            )}
          </Text>
        </div>
      ))}
    </Stack>
  );
}
