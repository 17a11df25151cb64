import { Alert, Button, Card, Grid, Group, Paper, Progress, Select, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery } from '@apollo/client/react';
import { IconArrowLeft, IconArrowRight, IconFileTypePdf, IconInfoCircle, IconMicrophone, IconPlayerStop, IconPlus, IconUpload } from '@tabler/icons-react';
import { useEffect, useRef, useState } from 'react';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../common/ErrorAlert.tsx';
import { UploadError } from '../media/upload.ts';
import { SourceList } from './SourceList.tsx';
import { ADD_SOURCE, ONBOARDING_QUERY, REMOVE_SOURCE, SPEECH_SUPPORT_QUERY, type OnboardingSession, type SpeechSupport } from './onboarding.graphql.ts';
import { uploadOnboardingFile } from './upload-file.ts';

interface UploadRow {
  key: number;
  name: string;
  progress: number;
  status: 'uploading' | 'done' | 'error';
  message?: string;
}

const LANGUAGES = ['en', 'fr'] as const;

/** Why a recording in the chosen language cannot be transcribed, in the user's words. */
const SPEECH_GAP_MESSAGES = {
  LANGUAGE_NOT_COVERED: 'onboarding.sources.noOfflineSpeech',
  ENGINE_NOT_INSTALLED: 'onboarding.sources.speechNotInstalled',
  NO_MODEL: 'onboarding.sources.noSpeechModel',
} as const satisfies Record<NonNullable<SpeechSupport['gap']>, string>;

function Panel({ icon, title, help, children }: { icon: ReactNode; title: string; help: string; children: ReactNode }) {
  return (
    <Card withBorder radius="md" padding="lg" h="100%">
      <Group gap="sm" mb={4}>
        {icon}
        <Title order={3} fz="md">
          {title}
        </Title>
      </Group>
      <Text size="sm" c="dimmed" mb="md">
        {help}
      </Text>
      <Stack gap="sm">{children}</Stack>
    </Card>
  );
}

/** Records from the microphone (MediaRecorder, WebM/Opus) until stopped. */
function Recorder({ onRecorded, disabled }: { onRecorded: (file: File) => void; disabled: boolean }) {
  const { t } = useTranslation();
  const [recording, setRecording] = useState<MediaRecorder | null>(null);
  const [seconds, setSeconds] = useState(0);
  const [failed, setFailed] = useState(false);
  const chunks = useRef<Blob[]>([]);

  useEffect(() => {
    if (!recording) return undefined;
    const timer = setInterval(() => setSeconds((s) => s + 1), 1000);
    return () => clearInterval(timer);
  }, [recording]);

  if (typeof MediaRecorder === 'undefined' || !navigator.mediaDevices?.getUserMedia) return null;

  const start = async () => {
    setFailed(false);
    try {
      const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
      const recorder = new MediaRecorder(stream, MediaRecorder.isTypeSupported('audio/webm') ? { mimeType: 'audio/webm' } : undefined);
      chunks.current = [];
      recorder.ondataavailable = (event) => chunks.current.push(event.data);
      recorder.onstop = () => {
        for (const track of stream.getTracks()) track.stop();
        const type = recorder.mimeType || 'audio/webm';
        onRecorded(new File(chunks.current, `recording-${new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-')}.webm`, { type }));
        setRecording(null);
      };
      recorder.start();
      setSeconds(0);
      setRecording(recorder);
    } catch {
      setFailed(true);
    }
  };

  return (
    <Stack gap={4}>
      {recording ? (
        <Button color="red" leftSection={<IconPlayerStop size={16} />} onClick={() => recording.stop()}>
          {t('onboarding.sources.stopRecording', { seconds })}
        </Button>
      ) : (
        <Button variant="light" leftSection={<IconMicrophone size={16} />} disabled={disabled} onClick={() => void start()}>
          {t('onboarding.sources.record')}
        </Button>
      )}
      {failed ? (
        <Text size="xs" c="red.7" role="alert">
          {t('onboarding.sources.microphoneRefused')}
        </Text>
      ) : null}
    </Stack>
  );
}

/** Step 2: PDFs, recordings and websites for the ingestion. */
export function SourcesStep({ session, workspaceLocale, onBack, onNext }: { session: OnboardingSession | null; workspaceLocale: string; onBack: () => void; onNext: () => void }) {
  const { t, i18n } = useTranslation();
  const pdfInput = useRef<HTMLInputElement>(null);
  const audioInput = useRef<HTMLInputElement>(null);
  const counter = useRef(0);
  const [rows, setRows] = useState<UploadRow[]>([]);
  const [url, setUrl] = useState('');
  const [language, setLanguage] = useState<string>(session?.locale.slice(0, 2) ?? workspaceLocale.slice(0, 2));
  const [add, adding] = useMutation(ADD_SOURCE, { refetchQueries: [ONBOARDING_QUERY], awaitRefetchQueries: true });
  const [remove, removing] = useMutation(REMOVE_SOURCE);
  const [removingId, setRemovingId] = useState<string | null>(null);
  const [urlError, setUrlError] = useState<unknown>(null);
  const speech = useQuery(SPEECH_SUPPORT_QUERY, { variables: { language } });
  const ingesting = session?.status === 'INGESTING';
  const sources = session?.sources ?? [];
  const languageName = (code: string) => new Intl.DisplayNames([i18n.language], { type: 'language' }).of(code) ?? code;

  const update = (key: number, patch: Partial<UploadRow>) => setRows((current) => current.map((row) => (row.key === key ? { ...row, ...patch } : row)));

  const start = (files: FileList | File[], kind: 'pdf' | 'audio') => {
    for (const file of Array.from(files)) {
      const key = ++counter.current;
      setRows((current) => [{ key, name: file.name, progress: 0, status: 'uploading' as const }, ...current].slice(0, 8));
      uploadOnboardingFile(file, kind, (fraction) => update(key, { progress: Math.round(fraction * 100) }))
        .then(async (media) => {
          await add({ variables: { kind: kind === 'pdf' ? 'PDF' : 'AUDIO', mediaId: media.id, language: kind === 'audio' ? language : null } });
          update(key, { status: 'done', progress: 100 });
        })
        .catch((error: unknown) => update(key, { status: 'error', message: error instanceof UploadError || error instanceof Error ? error.message : t('errors.unknown') }));
    }
  };

  const addUrl = async () => {
    setUrlError(null);
    try {
      await add({ variables: { kind: 'URL', url: url.trim() } });
      setUrl('');
    } catch (error) {
      setUrlError(error);
    }
  };

  const removeSource = async (id: string) => {
    setRemovingId(id);
    try {
      await remove({ variables: { sourceId: id } });
    } finally {
      setRemovingId(null);
    }
  };

  return (
    <Stack gap="lg">
      <Grid gap="lg">
        <Grid.Col span={{ base: 12, md: 4 }}>
          <Panel icon={<IconFileTypePdf size={20} aria-hidden="true" />} title={t('onboarding.sources.pdfTitle')} help={t('onboarding.sources.pdfHelp')}>
            <Button leftSection={<IconUpload size={16} />} variant="light" disabled={ingesting} onClick={() => pdfInput.current?.click()}>
              {t('onboarding.sources.choosePdf')}
            </Button>
            <input ref={pdfInput} type="file" accept="application/pdf,.pdf" multiple hidden data-testid="onboarding-pdf-input"
              onChange={(event) => {
                if (event.currentTarget.files?.length) start(event.currentTarget.files, 'pdf');
                event.currentTarget.value = '';
              }} />
          </Panel>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 4 }}>
          <Panel icon={<IconMicrophone size={20} aria-hidden="true" />} title={t('onboarding.sources.audioTitle')} help={t('onboarding.sources.audioHelp')}>
            <Select label={t('onboarding.sources.spokenLanguage')} data={LANGUAGES.map((l) => ({ value: l, label: languageName(l) }))} value={language} onChange={(v) => setLanguage(v ?? language)} allowDeselect={false} size="xs" />
            {speech.data && !speech.data.onboardingSpeechSupport.covered ? (
              <Alert color="yellow" variant="light" p="xs" icon={<IconInfoCircle size={16} />} data-testid="speech-notice">
                <Text size="xs">{t(SPEECH_GAP_MESSAGES[speech.data.onboardingSpeechSupport.gap ?? 'NO_MODEL'], { language: languageName(language) })}</Text>
              </Alert>
            ) : null}
            <Group gap="sm" grow>
              <Button leftSection={<IconUpload size={16} />} variant="light" disabled={ingesting} onClick={() => audioInput.current?.click()}>
                {t('onboarding.sources.chooseAudio')}
              </Button>
              <Recorder disabled={ingesting} onRecorded={(file) => start([file], 'audio')} />
            </Group>
            <input ref={audioInput} type="file" accept="audio/*,.mp3,.wav,.ogg,.m4a,.webm" multiple hidden data-testid="onboarding-audio-input"
              onChange={(event) => {
                if (event.currentTarget.files?.length) start(event.currentTarget.files, 'audio');
                event.currentTarget.value = '';
              }} />
          </Panel>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 4 }}>
          <Panel icon={<IconPlus size={20} aria-hidden="true" />} title={t('onboarding.sources.urlTitle')} help={t('onboarding.sources.urlHelp')}>
            <form
              onSubmit={(event) => {
                event.preventDefault();
                if (url.trim()) void addUrl();
              }}
            >
              <Group gap="xs" align="flex-end" wrap="nowrap">
                <TextInput label={t('onboarding.sources.url')} placeholder="https://" value={url} onChange={(e) => setUrl(e.currentTarget.value)} style={{ flex: 1 }} disabled={ingesting} />
                <Button type="submit" variant="light" loading={adding.loading && Boolean(url)} disabled={ingesting || !url.trim()}>
                  {t('onboarding.sources.addUrl')}
                </Button>
              </Group>
            </form>
            {urlError ? <ErrorAlert error={urlError} title={t('onboarding.sources.urlRefused')} /> : null}
          </Panel>
        </Grid.Col>
      </Grid>

      {rows.length ? (
        <Paper withBorder radius="md" p="md">
          <Stack gap={6} role="list" aria-label={t('onboarding.sources.uploads')}>
            {rows.map((row) => (
              <Stack key={row.key} gap={2} role="listitem">
                <Group justify="space-between" gap="xs" wrap="nowrap">
                  <Text size="sm" truncate>
                    {row.name}
                  </Text>
                  <Text size="xs" c={row.status === 'error' ? 'red.7' : 'dimmed'}>
                    {row.status === 'uploading' ? `${row.progress} %` : row.status === 'done' ? t('onboarding.sources.uploaded') : ''}
                  </Text>
                </Group>
                {row.status === 'uploading' ? <Progress value={row.progress} size="sm" aria-label={t('onboarding.sources.uploadProgress', { name: row.name })} /> : null}
                {row.message ? (
                  <Text size="xs" c="red.7" role="alert">
                    {row.message}
                  </Text>
                ) : null}
              </Stack>
            ))}
          </Stack>
        </Paper>
      ) : null}

      <Stack gap="xs">
        <Title order={3} fz="md">
          {t('onboarding.sources.added', { count: sources.length })}
        </Title>
        <SourceList sources={sources} onRemove={ingesting ? undefined : (id) => void removeSource(id)} removing={removingId} />
        {removing.error ? <ErrorAlert error={removing.error} /> : null}
      </Stack>

      <Group justify="space-between">
        <Button variant="default" leftSection={<IconArrowLeft size={16} />} onClick={onBack}>
          {t('onboarding.back')}
        </Button>
        <Button rightSection={<IconArrowRight size={16} />} onClick={onNext} disabled={!session || (!session.answered && sources.length === 0) || rows.some((r) => r.status === 'uploading')}>
          {t('onboarding.sources.next')}
        </Button>
      </Group>
    </Stack>
  );
}
