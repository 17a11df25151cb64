import { Badge, Button, Card, Grid, Group, NativeSelect, Stack, Text, TextInput, Textarea } from '@mantine/core';
import { IconCheck, IconDeviceFloppy } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { describeError } from '../../apollo/errors.ts';
import { ErrorAlert } from '../common/ErrorAlert.tsx';
import { ScorePanel } from './ScorePanel.tsx';
import { CHANNELS } from './studio.graphql.ts';
import type { Channel, ContentItem } from './studio.graphql.ts';
import { useDraftEditor } from './useDraftEditor.ts';
import { useLiveScore } from './useLiveScore.ts';

/** Search engines cut meta descriptions around this length. */
const META_DESCRIPTION_LIMIT = 160;

function words(text: string): number {
  return text.trim() === '' ? 0 : text.trim().split(/\s+/).length;
}

export function DraftEditor({ item }: { item: ContentItem }) {
  const { t } = useTranslation();
  const editor = useDraftEditor(item);
  const live = useLiveScore(item.id, editor.input);
  const { fields, setField } = editor;
  // A rejected field is marked on its input (scoring and saving validate alike); other errors stay in their panel.
  const problem = [live.error, editor.saveError].map((error) => (error ? describeError(error) : null)).find((described) => described?.field);
  const fieldError = (name: string) => (problem?.field === name ? (problem.detail ?? t('errors.badInput')) : undefined);

  return (
    <Grid gap="lg" align="flex-start">
      <Grid.Col span={{ base: 12, lg: 7 }}>
        <Card withBorder radius="md" padding="lg" component="section" aria-label={t('studio.editor')}>
          <form
            onSubmit={(event) => {
              event.preventDefault();
              void editor.save();
            }}
          >
            <Stack gap="md">
              <Group justify="space-between" align="center">
                <Group gap="xs">
                  <Badge variant="light" radius="sm" size="lg" data-testid="draft-version">
                    {t('studio.version', { version: editor.version })}
                  </Badge>
                  {editor.dirty ? (
                    <Badge variant="dot" color="yellow" radius="sm" size="lg" tt="none">
                      {t('studio.unsaved')}
                    </Badge>
                  ) : null}
                  {editor.justSaved !== null ? (
                    <Group gap={4} role="status">
                      <IconCheck size={16} color="var(--mantine-color-teal-7)" aria-hidden="true" />
                      <Text size="sm" c="teal.8">
                        {t('studio.saved', { version: editor.justSaved })}
                      </Text>
                    </Group>
                  ) : null}
                </Group>
                <Button type="submit" leftSection={<IconDeviceFloppy size={16} />} loading={editor.saving} disabled={!editor.dirty && editor.justSaved !== null}>
                  {t('studio.save')}
                </Button>
              </Group>
              {editor.saveError && !describeError(editor.saveError).field ? <ErrorAlert error={editor.saveError} title={t('studio.saveFailed')} /> : null}
              <Grid gap="md">
                <Grid.Col span={{ base: 12, sm: 5 }}>
                  <NativeSelect
                    label={t('studio.channel')}
                    description={t('studio.channelHelp')}
                    value={fields.channel}
                    onChange={(event) => setField('channel', event.currentTarget.value as Channel)}
                    data={CHANNELS.map((channel) => ({ value: channel, label: t(`channels.${channel}`) }))}
                  />
                </Grid.Col>
                <Grid.Col span={{ base: 12, sm: 7 }}>
                  <TextInput
                    label={t('studio.keyphrase')}
                    description={t('studio.keyphraseHelp')}
                    value={fields.keyphrase}
                    onChange={(event) => setField('keyphrase', event.currentTarget.value)}
                    error={fieldError('keyphrase')}
                  />
                </Grid.Col>
              </Grid>
              <TextInput
                label={t('studio.titleField')}
                required
                value={fields.title}
                onChange={(event) => setField('title', event.currentTarget.value)}
                size="md"
                error={fieldError('title')}
              />
              <TextInput
                label={t('studio.slug')}
                description={t('studio.slugHelp')}
                value={fields.slug}
                onChange={(event) => setField('slug', event.currentTarget.value)}
                leftSection={<Text size="sm" c="dimmed">/</Text>}
                error={fieldError('slug')}
              />
              <Textarea
                label={t('studio.metaDescription')}
                description={t('studio.characters', { count: fields.metaDescription.length, limit: META_DESCRIPTION_LIMIT })}
                value={fields.metaDescription}
                onChange={(event) => setField('metaDescription', event.currentTarget.value)}
                autosize
                minRows={2}
                maxRows={4}
                error={fieldError('metaDescription') ?? (fields.metaDescription.length > META_DESCRIPTION_LIMIT ? t('studio.metaTooLong') : undefined)}
              />
              <Textarea
                label={t('studio.body')}
                description={t('studio.bodyHelp', { count: words(fields.body) })}
                value={fields.body}
                onChange={(event) => setField('body', event.currentTarget.value)}
                autosize
                minRows={14}
                maxRows={40}
                styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)', fontSize: 14, lineHeight: 1.6 } }}
                error={fieldError('body')}
              />
            </Stack>
          </form>
        </Card>
      </Grid.Col>
      <Grid.Col span={{ base: 12, lg: 5 }} style={{ position: 'sticky', top: 80 }}>
        <ScorePanel score={live.score} pending={live.pending} error={live.error && !describeError(live.error).field ? live.error : null} />
      </Grid.Col>
    </Grid>
  );
}
