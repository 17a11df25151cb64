import { Button, Center, Loader, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSession } from '../modules/auth/useSession.ts';
import { ErrorAlert } from '../modules/common/ErrorAlert.tsx';
import { PageHeader } from '../modules/common/PageHeader.tsx';
import { MediaDrawer } from '../modules/media/MediaDrawer.tsx';
import { MediaFilters, type MediaFilterState } from '../modules/media/MediaFilters.tsx';
import { MediaGrid } from '../modules/media/MediaGrid.tsx';
import { UploadDropzone } from '../modules/media/UploadDropzone.tsx';
import { useMediaLibrary } from '../modules/media/useMediaLibrary.ts';

/** C7: the client's media library. */
export function MediaPage() {
  const { t } = useTranslation();
  const { viewer } = useSession();
  const canWrite = viewer?.permissions.includes('content:write') ?? false;
  const [filters, setFilters] = useState<MediaFilterState>({ search: '', kind: null, tag: null });
  const [openId, setOpenId] = useState<string | null>(null);
  const library = useMediaLibrary(filters);
  const nodes = library.page?.nodes ?? [];
  const open = nodes.find((media) => media.id === openId) ?? null;

  return (
    <>
      <PageHeader title={t('media.title')} description={t('media.subtitle')} />
      <Stack gap="lg">
        {canWrite ? <UploadDropzone onUploaded={() => void library.refetch()} /> : null}
        <MediaFilters value={filters} onChange={setFilters} />
        <ErrorAlert error={library.error} onRetry={() => void library.refetch()} />
        {library.page ? (
          <Text size="sm" c="dimmed" role="status">
            {t('media.count', { count: library.page.totalCount })}
          </Text>
        ) : null}
        {nodes.length ? <MediaGrid items={nodes} onOpen={(media) => setOpenId(media.id)} selectedId={openId} /> : null}
        {!library.loading && library.page && nodes.length === 0 ? (
          <Text c="dimmed" ta="center" py="xl">
            {filters.search || filters.kind || filters.tag ? t('media.noMatch') : t('media.empty')}
          </Text>
        ) : null}
        {library.loading && !nodes.length ? (
          <Center py="xl">
            <Loader />
          </Center>
        ) : null}
        {library.page?.hasNextPage ? (
          <Center>
            <Button variant="default" onClick={library.loadMore} loading={library.loading}>
              {t('media.loadMore')}
            </Button>
          </Center>
        ) : null}
      </Stack>
      <MediaDrawer
        media={open}
        canWrite={canWrite}
        onClose={() => setOpenId(null)}
        onDeleted={() => {
          setOpenId(null);
          void library.refetch();
        }}
      />
    </>
  );
}
