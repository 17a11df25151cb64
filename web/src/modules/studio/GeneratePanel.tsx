import { Button, Grid, Modal, NativeSelect, SegmentedControl, Stack, Text, TextInput, Textarea } from '@mantine/core';
import { useMutation } from '@apollo/client/react';
import { IconSparkles } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { describeError } from '../../apollo/errors.ts';
import { ErrorAlert } from '../common/ErrorAlert.tsx';
import { newRequestKey } from './requestKey.ts';
import { CHANNELS, CONTENT_LENGTHS, CONTENT_MODES, GENERATE_CONTENT_MUTATION } from './studio.graphql.ts';
import type { Channel, ContentItem, ContentLength, ContentMode } from './studio.graphql.ts';

interface GenerateForm {
  channel: Channel;
  brief: string;
  tone: string;
  length: ContentLength;
  keyphrase: string;
  mode: ContentMode;
}

const INITIAL: GenerateForm = { channel: 'LINKEDIN', brief: '', tone: '', length: 'MEDIUM', keyphrase: '', mode: 'SEMI' };

/** C1: the model writes a new item (version 1) from the brand DNA and a brief. */
export function GeneratePanel({ opened, onClose, locale, onGenerated }: { opened: boolean; onClose: () => void; locale: string; onGenerated: (item: ContentItem) => void }) {
  const { t } = useTranslation();
  const [form, setForm] = useState<GenerateForm>(INITIAL);
  const [generate, { loading, error, reset }] = useMutation(GENERATE_CONTENT_MUTATION);
  // One key per distinct request: a retry of the same form is generated and charged once.
  const [idempotencyKey, setIdempotencyKey] = useState(newRequestKey);
  const set = <K extends keyof GenerateForm>(key: K, value: GenerateForm[K]) => {
    setForm((current) => ({ ...current, [key]: value }));
    setIdempotencyKey(newRequestKey());
  };
  const problem = error ? describeError(error) : null;
  const fieldError = (name: string) => (problem?.field === name ? (problem.detail ?? t('errors.badInput')) : undefined);

  const submit = async () => {
    const result = await generate({
      variables: {
        input: {
          channel: form.channel,
          brief: form.brief,
          tone: form.tone.trim() || null,
          length: form.length,
          keyphrase: form.keyphrase.trim() || null,
          locale,
          mode: form.mode,
          idempotencyKey,
        },
      },
    }).catch(() => null);
    const item = result?.data?.generateContent;
    if (item) {
      setForm(INITIAL);
      setIdempotencyKey(newRequestKey());
      reset();
      onGenerated(item);
    }
  };

  return (
    <Modal opened={opened} onClose={onClose} title={t('studioAi.generate.title')} size="lg" centered>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          void submit();
        }}
      >
        <Stack gap="md">
          <Text size="sm" c="dimmed">
            {t('studioAi.generate.intro')}
          </Text>
          {error && !problem?.field ? <ErrorAlert error={error} title={t('studioAi.generate.failed')} /> : null}
          <Grid gap="md">
            <Grid.Col span={{ base: 12, sm: 6 }}>
              <NativeSelect
                label={t('studio.channel')}
                value={form.channel}
                onChange={(event) => set('channel', event.currentTarget.value as Channel)}
                data={CHANNELS.map((channel) => ({ value: channel, label: t(`channels.${channel}`) }))}
                error={fieldError('channel')}
              />
            </Grid.Col>
            <Grid.Col span={{ base: 12, sm: 6 }}>
              <TextInput label={t('studio.keyphrase')} value={form.keyphrase} onChange={(event) => set('keyphrase', event.currentTarget.value)} error={fieldError('keyphrase')} />
            </Grid.Col>
          </Grid>
          <Textarea
            label={t('studioAi.generate.brief')}
            description={t('studioAi.generate.briefHelp')}
            placeholder={t('studioAi.generate.briefPlaceholder')}
            required
            autosize
            minRows={3}
            maxRows={8}
            value={form.brief}
            onChange={(event) => set('brief', event.currentTarget.value)}
            error={fieldError('brief')}
          />
          <TextInput
            label={t('studioAi.generate.tone')}
            description={t('studioAi.generate.toneHelp')}
            value={form.tone}
            onChange={(event) => set('tone', event.currentTarget.value)}
            error={fieldError('tone')}
          />
          <Stack gap={4}>
            <Text size="sm" fw={500} id="generate-length">
              {t('studioAi.generate.length')}
            </Text>
            <SegmentedControl
              aria-labelledby="generate-length"
              value={form.length}
              onChange={(value) => set('length', value as ContentLength)}
              data={CONTENT_LENGTHS.map((length) => ({ value: length, label: t(`studioAi.lengths.${length}`) }))}
            />
          </Stack>
          <Stack gap={4}>
            <Text size="sm" fw={500} id="generate-mode">
              {t('studioAi.generate.mode')}
            </Text>
            <SegmentedControl
              aria-labelledby="generate-mode"
              value={form.mode}
              onChange={(value) => set('mode', value as ContentMode)}
              data={CONTENT_MODES.map((mode) => ({ value: mode, label: t(`studioAi.modes.${mode}`) }))}
            />
            <Text size="xs" c="dimmed">
              {t(`studioAi.modeHelp.${form.mode}`)}
            </Text>
          </Stack>
          <Button type="submit" leftSection={<IconSparkles size={16} />} loading={loading} disabled={form.brief.trim().length < 3}>
            {t('studioAi.generate.submit')}
          </Button>
        </Stack>
      </form>
    </Modal>
  );
}
