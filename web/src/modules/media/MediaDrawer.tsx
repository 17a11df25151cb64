// One file of the library: preview or player, facts, tags, alternative text,
// copy for content, where it is used, delete.
import { Alert, Anchor, Button, Drawer, Group, Image, List, Stack, TagsInput, Text, TextInput } from '@mantine/core';
import { useMutation, useQuery } from '@apollo/client/react';
import { IconExternalLink, IconTrash } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import { CopyValueButton } from '../common/CopyValueButton.tsx';
import { ErrorAlert } from '../common/ErrorAlert.tsx';
import { formatDateTime } from '../common/format.ts';
import { formatBytes, formatMediaDuration } from './format-media.ts';
import { DELETE_MEDIA_MUTATION, DESCRIBE_MEDIA_MUTATION, MEDIA_USAGE_QUERY, TAG_MEDIA_MUTATION, mediaMarkdown } from './media.graphql.ts';
import type { Media } from './media.graphql.ts';

function Preview({ media }: { media: Media }) {
  const { t } = useTranslation();
  switch (media.kind) {
    case 'IMAGE':
      return <Image src={media.url} alt={media.altText ?? media.filename} radius="md" fit="contain" mah={360} data-testid="media-preview" />;
    case 'AUDIO':
      return <audio controls src={media.url} style={{ width: '100%' }} aria-label={media.filename} data-testid="media-preview" />;
    case 'VIDEO':
      return <video controls src={media.url} style={{ width: '100%', maxHeight: 360, borderRadius: 8 }} aria-label={media.filename} data-testid="media-preview" />;
    default:
      return (
        <Button component="a" href={media.url} target="_blank" rel="noopener" variant="light" leftSection={<IconExternalLink size={16} />} data-testid="media-preview">
          {t('media.drawer.open')}
        </Button>
      );
  }
}

export function MediaDrawer({ media, onClose, onDeleted, canWrite }: { media: Media | null; onClose: () => void; onDeleted: () => void; canWrite: boolean }) {
  const { t, i18n } = useTranslation();
  const [alt, setAlt] = useState('');
  const usage = useQuery(MEDIA_USAGE_QUERY, { variables: { id: media?.id ?? '' }, skip: !media, fetchPolicy: 'cache-and-network' });
  const [tagMedia, tagging] = useMutation(TAG_MEDIA_MUTATION);
  const [describeMedia, describing] = useMutation(DESCRIBE_MEDIA_MUTATION);
  const [deleteMedia, deleting] = useMutation(DELETE_MEDIA_MUTATION);
  useEffect(() => setAlt(media?.altText ?? ''), [media?.id, media?.altText]);

  const facts = media
    ? [
        t(`media.kinds.${media.kind}`),
        media.mimeType,
        formatBytes(media.size, i18n.language),
        media.width && media.height ? `${media.width} × ${media.height}` : null,
        media.durationMs !== null ? formatMediaDuration(media.durationMs) : null,
      ].filter(Boolean).join(' · ')
    : '';
  const absolute = (path: string) => new URL(path, window.location.origin).toString();

  return (
    <Drawer opened={media !== null} onClose={onClose} position="right" size="md" title={media?.filename} padding="lg">
      {media ? (
        <Stack gap="md">
          <Preview media={media} />
          <Stack gap={2}>
            <Text size="sm">{facts}</Text>
            <Text size="xs" c="dimmed">
              {t('media.drawer.added', { date: formatDateTime(media.createdAt, i18n.language) })}
            </Text>
          </Stack>
          <Group gap="xs">
            <CopyValueButton value={mediaMarkdown({ ...media, embedUrl: absolute(media.embedUrl) })} label={t('media.drawer.copyMarkdown')} />
            <CopyValueButton value={absolute(media.embedUrl)} label={t('media.drawer.copyLink')} variant="default" />
          </Group>
          <TagsInput
            label={t('media.drawer.tags')}
            value={media.tags}
            disabled={!canWrite || tagging.loading}
            onChange={(tags) => void tagMedia({ variables: { id: media.id, tags } }).catch(() => undefined)}
            clearable
            maxTags={20}
          />
          <ErrorAlert error={tagging.error} />
          <TextInput
            label={t('media.drawer.alt')}
            description={t('media.drawer.altHelp')}
            value={alt}
            disabled={!canWrite}
            onChange={(event) => setAlt(event.currentTarget.value)}
            onBlur={() => {
              if (alt !== (media.altText ?? '')) void describeMedia({ variables: { id: media.id, altText: alt || null } }).catch(() => undefined);
            }}
            rightSection={describing.loading ? <Text size="xs">…</Text> : null}
          />
          <ErrorAlert error={describing.error} />
          <Stack gap={4}>
            <Text size="sm" fw={500}>
              {t('media.drawer.usedIn')}
            </Text>
            {usage.data?.mediaItem.usage.length ? (
              <List size="sm" spacing={2}>
                {usage.data.mediaItem.usage.map((use) => (
                  <List.Item key={use.itemId}>
                    <Anchor component={Link} to={`/studio/${use.itemId}`} size="sm">
                      {use.title}
                    </Anchor>{' '}
                    <Text span size="xs" c="dimmed">
                      ({t(`contentStatus.${use.status as 'DRAFT'}`)})
                    </Text>
                  </List.Item>
                ))}
              </List>
            ) : (
              <Text size="sm" c="dimmed">
                {t('media.drawer.unused')}
              </Text>
            )}
          </Stack>
          {canWrite ? (
            <Stack gap="xs">
              {deleting.error ? (
                <Alert color="red" variant="light" title={t('media.drawer.deleteFailed')} role="alert">
                  {deleting.error.message}
                </Alert>
              ) : null}
              <Button
                color="red"
                variant="subtle"
                leftSection={<IconTrash size={16} />}
                loading={deleting.loading}
                onClick={() => {
                  if (!window.confirm(t('media.drawer.confirmDelete', { name: media.filename }))) return;
                  void deleteMedia({ variables: { id: media.id } })
                    .then(() => onDeleted())
                    .catch(() => undefined);
                }}
              >
                {t('media.drawer.delete')}
              </Button>
            </Stack>
          ) : null}
        </Stack>
      ) : null}
    </Drawer>
  );
}
