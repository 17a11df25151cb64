// The studio's "Insert media": pick (or upload) a file of the library; the
// item records the use (attachMedia) and the editor gets the markdown:
// ![alt](url) for an image, a link for any other file.
import { Button, Modal, ScrollArea, Stack, Text } from '@mantine/core';
import { useMutation } from '@apollo/client/react';
import { IconPhotoPlus } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../common/ErrorAlert.tsx';
import { ATTACH_MEDIA_MUTATION, mediaMarkdown } from './media.graphql.ts';
import type { Media } from './media.graphql.ts';
import { MediaFilters, type MediaFilterState } from './MediaFilters.tsx';
import { MediaGrid } from './MediaGrid.tsx';
import { UploadDropzone } from './UploadDropzone.tsx';
import { useMediaLibrary } from './useMediaLibrary.ts';

function Picker({ itemId, onPicked }: { itemId: string; onPicked: (markdown: string) => void }) {
  const { t } = useTranslation();
  const [filters, setFilters] = useState<MediaFilterState>({ search: '', kind: 'IMAGE', tag: null });
  const library = useMediaLibrary(filters);
  const [attach, attaching] = useMutation(ATTACH_MEDIA_MUTATION);
  const pick = (media: Media) => {
    void attach({ variables: { itemId, mediaId: media.id } })
      .then(() => onPicked(mediaMarkdown({ ...media, embedUrl: new URL(media.embedUrl, window.location.origin).toString() })))
      .catch(() => undefined);
  };
  return (
    <Stack gap="md">
      <UploadDropzone compact withTags={false} onUploaded={() => void library.refetch()} />
      <MediaFilters value={filters} onChange={setFilters} />
      <ErrorAlert error={library.error ?? attaching.error} />
      <ScrollArea.Autosize mah="50vh">
        {library.page?.nodes.length ? (
          <MediaGrid items={library.page.nodes} onOpen={pick} />
        ) : (
          <Text c="dimmed" ta="center" py="lg">
            {library.loading ? t('common.loading') : t('media.empty')}
          </Text>
        )}
      </ScrollArea.Autosize>
    </Stack>
  );
}

export function InsertMediaButton({ itemId, onInsert }: { itemId: string; onInsert: (markdown: string) => void }) {
  const { t } = useTranslation();
  const [opened, setOpened] = useState(false);
  return (
    <>
      <Button variant="default" leftSection={<IconPhotoPlus size={16} />} onClick={() => setOpened(true)}>
        {t('media.insert.button')}
      </Button>
      <Modal opened={opened} onClose={() => setOpened(false)} title={t('media.insert.title')} size="xl">
        {opened ? (
          <Picker
            itemId={itemId}
            onPicked={(markdown) => {
              onInsert(markdown);
              setOpened(false);
            }}
          />
        ) : null}
      </Modal>
    </>
  );
}
