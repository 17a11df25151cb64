import { AspectRatio, Badge, Card, Center, Group, Image, SimpleGrid, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { formatBytes } from './format-media.ts';
import type { Media } from './media.graphql.ts';
import { MediaIcon } from './MediaIcon.tsx';

export function MediaGrid({ items, onOpen, selectedId }: { items: Media[]; onOpen: (media: Media) => void; selectedId?: string | null }) {
  const { t, i18n } = useTranslation();
  return (
    <SimpleGrid cols={{ base: 2, sm: 3, md: 4, xl: 6 }} spacing="md" role="list" aria-label={t('media.grid')}>
      {items.map((media) => (
        <Card
          key={media.id}
          withBorder
          radius="md"
          padding="xs"
          role="listitem"
          style={{ cursor: 'pointer', outline: selectedId === media.id ? '2px solid var(--mantine-color-blue-6)' : undefined }}
          onClick={() => onOpen(media)}
          onKeyDown={(event) => {
            if (event.key === 'Enter' || event.key === ' ') {
              event.preventDefault();
              onOpen(media);
            }
          }}
          tabIndex={0}
          aria-label={media.filename}
        >
          <Card.Section>
            <AspectRatio ratio={4 / 3}>
              {media.thumbnailUrl ? (
                <Image src={media.thumbnailUrl} alt={media.altText ?? media.filename} fit="cover" loading="lazy" />
              ) : (
                <Center bg="var(--mantine-color-gray-1)" c="dimmed">
                  <MediaIcon kind={media.kind} />
                </Center>
              )}
            </AspectRatio>
          </Card.Section>
          <Text size="sm" fw={500} mt="xs" truncate title={media.filename}>
            {media.filename}
          </Text>
          <Group gap={6} justify="space-between" wrap="nowrap">
            <Text size="xs" c="dimmed">
              {formatBytes(media.size, i18n.language)}
            </Text>
            <Badge size="xs" variant="light" radius="sm">
              {t(`media.kinds.${media.kind}`)}
            </Badge>
          </Group>
        </Card>
      ))}
    </SimpleGrid>
  );
}
