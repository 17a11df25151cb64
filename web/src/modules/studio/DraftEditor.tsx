import { Badge, Button, Card, Grid, Group, NativeSelect, Stack, Text, TextInput, Textarea, Tooltip } from '@mantine/core';
import { useApolloClient, useMutation } from '@apollo/client/react';
import { IconCheck, IconDeviceFloppy, IconHistory, IconRefresh, IconSend } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { describeError } from '../../apollo/errors.ts';
import { ErrorAlert } from '../common/ErrorAlert.tsx';
import { ChannelLimits } from './ChannelLimits.tsx';
import { RegeneratePanel, useRegenerationQuote } from './RegeneratePanel.tsx';
import { ScorePanel } from './ScorePanel.tsx';
import { VersionHistory } from './VersionHistory.tsx';
import { InsertMediaButton } from '../media/InsertMediaButton.tsx';
import { CHANNELS, CONTENT_ITEM_QUERY, SUBMIT_FOR_REVIEW_MUTATION } from './studio.graphql.ts';
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
  const quote = useRegenerationQuote(item.id);
  const [panel, setPanel] = useState<'regenerate' | 'history' | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const { fields, setField } = editor;
  const credits = quote.data?.regenerationQuote.credits;
  const client = useApolloClient();
  const [submitForReview, submission] = useMutation(SUBMIT_FOR_REVIEW_MUTATION);
  // Only a saved draft goes to review: the round reviews the saved version, never unsaved edits.
  const submitBlocked = item.status !== 'DRAFT' ? t('studio.review.notDraft', { status: t(`contentStatus.${item.status}`) }) : editor.dirty ? t('studio.review.saveFirst') : null;
  const submit = async () => {
    try {
      const result = await submitForReview({ variables: { itemId: item.id } });
      const approval = result.data?.submitForReview;
      if (approval) setNotice(t(approval.status === 'AUTO_APPROVED' ? 'studio.review.autoApproved' : 'studio.review.submitted'));
    } catch {
      // A refusal usually means the item moved on elsewhere (reviewed, approved): show where it stands now.
      await client.query({ query: CONTENT_ITEM_QUERY, variables: { id: item.id }, fetchPolicy: 'network-only' }).catch(() => null);
    }
  };
  // A notice about the last AI, history or review action stays until the text is edited or saved again.
  useEffect(() => {
    if (editor.dirty) setNotice(null);
  }, [editor.dirty]);
  // A rejected field is marked on its input (scoring and saving validate alike); other errors stay in their panel.
  const problem = [live.error, editor.saveError].map((error) => (error ? describeError(error) : null)).find((described) => described?.field);
  // The latest action speaks: a notice (AI, history, review) unless a save came after it.
  const status = notice ?? (editor.justSaved !== null ? t('studio.saved', { version: editor.justSaved }) : null);
  const fieldError = (name: string) => (problem?.field === name ? (problem.detail ?? t('errors.badInput')) : undefined);

  return (
    <Grid gap="lg" align="flex-start">
      <Grid.Col span={{ base: 12, lg: 7 }}>
        <Card withBorder radius="md" padding="lg" component="section" aria-label={t('studio.editor')}>
          <form
            onSubmit={(event) => {
              event.preventDefault();
              setNotice(null);
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
                  <Badge variant="outline" color="gray" radius="sm" size="lg" tt="none" data-testid="draft-mode">
                    {t('studioAi.modeBadge', { mode: t(`studioAi.modes.${item.mode}`) })}
                  </Badge>
                  {status ? (
                    <Group gap={4} role="status">
                      <IconCheck size={16} color="var(--mantine-color-teal-7)" aria-hidden="true" />
                      <Text size="sm" c="teal.8">
                        {status}
                      </Text>
                    </Group>
                  ) : null}
                </Group>
                <Group gap="xs">
                  <InsertMediaButton itemId={item.id} onInsert={(markdown) => setField('body', `${fields.body.trimEnd()}${fields.body.trim() ? '\n\n' : ''}${markdown}\n`)} />
                  <Button variant="default" leftSection={<IconHistory size={16} />} onClick={() => setPanel('history')}>
                    {t('studioAi.history.open')}
                  </Button>
                  <Tooltip label={t('studioAi.regenerate.saveFirst')} disabled={!editor.dirty}>
                    <Button variant="light" leftSection={<IconRefresh size={16} />} disabled={editor.dirty} onClick={() => setPanel('regenerate')}>
                      {credits !== undefined ? t('studioAi.regenerate.openWithCost', { count: credits }) : t('studioAi.regenerate.open')}
                    </Button>
                  </Tooltip>
                  <Button type="submit" leftSection={<IconDeviceFloppy size={16} />} loading={editor.saving} disabled={!editor.dirty && editor.justSaved !== null}>
                    {t('studio.save')}
                  </Button>
                  <Tooltip label={submitBlocked} disabled={submitBlocked === null}>
                    <Button variant="filled" color="teal" leftSection={<IconSend size={16} />} loading={submission.loading} disabled={submitBlocked !== null} onClick={() => void submit()}>
                      {t('studio.review.submit')}
                    </Button>
                  </Tooltip>
                </Group>
              </Group>
              {editor.saveError && !describeError(editor.saveError).field ? <ErrorAlert error={editor.saveError} title={t('studio.saveFailed')} /> : null}
              {submission.error ? <ErrorAlert error={submission.error} title={t('studio.review.failed')} /> : null}
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
              <ChannelLimits usage={live.score?.usage ?? null} />
            </Stack>
          </form>
        </Card>
        <RegeneratePanel
          item={item}
          opened={panel === 'regenerate'}
          onClose={() => setPanel(null)}
          onRegenerated={(next) => {
            setPanel(null);
            editor.reset(next);
            setNotice(t('studioAi.regenerate.done', { version: next.currentVersion }));
          }}
        />
        <VersionHistory
          item={item}
          currentVersion={editor.version}
          opened={panel === 'history'}
          onClose={() => setPanel(null)}
          onRestored={(next, from) => {
            editor.reset(next);
            void quote.refetch();
            setNotice(t('studioAi.history.restored', { version: from, next: next.currentVersion }));
          }}
        />
      </Grid.Col>
      <Grid.Col span={{ base: 12, lg: 5 }} style={{ position: 'sticky', top: 80 }}>
        <ScorePanel score={live.score} pending={live.pending} error={live.error && !describeError(live.error).field ? live.error : null} />
      </Grid.Col>
    </Grid>
  );
}
