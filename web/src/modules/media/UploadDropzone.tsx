// Drag files here or pick them: each is uploaded with its own progress bar.
import { Button, Group, Paper, Progress, Stack, TagsInput, Text } from '@mantine/core';
import { IconAlertTriangle, IconCheck, IconCloudUpload } from '@tabler/icons-react';
import { useRef, useState } from 'react';
import type { DragEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ACCEPT } from './format-media.ts';
import { UploadError, uploadMedia, type UploadedMedia } from './upload.ts';

interface UploadRow {
  key: number;
  name: string;
  progress: number;
  status: 'uploading' | 'done' | 'error';
  message?: string;
}

export function UploadDropzone({ onUploaded, compact = false, withTags = true }: { onUploaded: (media: UploadedMedia) => void; compact?: boolean; withTags?: boolean }) {
  const { t } = useTranslation();
  const input = useRef<HTMLInputElement>(null);
  const counter = useRef(0);
  const [over, setOver] = useState(false);
  const [tags, setTags] = useState<string[]>([]);
  const [rows, setRows] = useState<UploadRow[]>([]);

  const update = (key: number, patch: Partial<UploadRow>) => setRows((current) => current.map((row) => (row.key === key ? { ...row, ...patch } : row)));

  const start = (files: FileList | File[]) => {
    for (const file of Array.from(files)) {
      const key = ++counter.current;
      setRows((current) => [{ key, name: file.name, progress: 0, status: 'uploading' as const }, ...current].slice(0, 8));
      uploadMedia(file, { tags, onProgress: (fraction) => update(key, { progress: Math.round(fraction * 100) }) })
        .then((media) => {
          update(key, { status: 'done', progress: 100, message: media.duplicate ? t('media.upload.duplicate') : undefined });
          onUploaded(media);
        })
        .catch((error: unknown) => update(key, { status: 'error', message: error instanceof UploadError ? error.message : t('errors.unknown') }));
    }
  };

  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    setOver(false);
    if (event.dataTransfer.files.length) start(event.dataTransfer.files);
  };

  return (
    <Stack gap="xs">
      <Paper
        withBorder
        radius="md"
        p={compact ? 'md' : 'xl'}
        style={{ borderStyle: 'dashed', borderWidth: 2, background: over ? 'var(--mantine-color-blue-light)' : undefined, cursor: 'pointer' }}
        onDragOver={(event) => {
          event.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={onDrop}
        onClick={() => input.current?.click()}
        role="group"
        aria-label={t('media.upload.zone')}
        data-testid="media-dropzone"
      >
        <Group justify="center" gap="md" wrap="nowrap">
          <IconCloudUpload size={compact ? 28 : 40} stroke={1.4} aria-hidden="true" />
          <Stack gap={2}>
            <Text fw={600}>{t('media.upload.title')}</Text>
            <Text size="sm" c="dimmed">
              {t('media.upload.help')}
            </Text>
          </Stack>
          <Button variant="light" onClick={(event) => { event.stopPropagation(); input.current?.click(); }}>
            {t('media.upload.choose')}
          </Button>
        </Group>
        <input
          ref={input}
          type="file"
          multiple
          accept={ACCEPT}
          hidden
          data-testid="media-file-input"
          onChange={(event) => {
            if (event.currentTarget.files?.length) start(event.currentTarget.files);
            event.currentTarget.value = '';
          }}
        />
      </Paper>
      {withTags ? (
        <TagsInput label={t('media.upload.tags')} placeholder={t('media.upload.tagsPlaceholder')} value={tags} onChange={setTags} clearable maxTags={20} />
      ) : null}
      {rows.length ? (
        <Stack gap={6} aria-label={t('media.upload.progress')} role="list">
          {rows.map((row) => (
            <Stack key={row.key} gap={2} role="listitem">
              <Group justify="space-between" gap="xs" wrap="nowrap">
                <Text size="sm" truncate>
                  {row.name}
                </Text>
                {row.status === 'done' ? <IconCheck size={16} color="var(--mantine-color-teal-7)" aria-label={t('media.upload.done')} /> : null}
                {row.status === 'error' ? <IconAlertTriangle size={16} color="var(--mantine-color-red-7)" aria-hidden="true" /> : null}
              </Group>
              {row.status === 'uploading' ? <Progress value={row.progress} size="sm" aria-label={t('media.upload.progressOf', { name: row.name })} /> : null}
              {row.message ? (
                <Text size="xs" c={row.status === 'error' ? 'red.7' : 'dimmed'} role={row.status === 'error' ? 'alert' : undefined}>
                  {row.message}
                </Text>
              ) : null}
            </Stack>
          ))}
        </Stack>
      ) : null}
    </Stack>
  );
}
