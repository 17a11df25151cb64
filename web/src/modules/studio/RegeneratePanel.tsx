import { Alert, Button, Modal, NumberInput, SegmentedControl, Stack, Text, TextInput, Textarea } from '@mantine/core';
import { useMutation, useQuery } from '@apollo/client/react';
import { IconRefresh } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { describeError } from '../../apollo/errors.ts';
import { ErrorAlert } from '../common/ErrorAlert.tsx';
import { formatNumber } from '../common/format.ts';
import { newRequestKey } from './requestKey.ts';
import { CONTENT_LENGTHS, REGENERATE_CONTENT_MUTATION, REGENERATION_QUOTE_QUERY } from './studio.graphql.ts';
import type { ContentItem, ContentLength } from './studio.graphql.ts';

interface RegenerateForm {
  brief: string;
  tone: string;
  length: ContentLength | 'KEEP';
  paragraph: number | '';
}

const INITIAL: RegenerateForm = { brief: '', tone: '', length: 'KEEP', paragraph: '' };

/** The cost and the plan's allowance, asked when the editor opens and after every regeneration. */
export function useRegenerationQuote(itemId: string) {
  return useQuery(REGENERATION_QUOTE_QUERY, { variables: { itemId }, fetchPolicy: 'cache-and-network' });
}

/** C1: a new version written by the model; spends credits, counts against the plan's cap. */
export function RegeneratePanel({ item, opened, onClose, onRegenerated }: { item: ContentItem; opened: boolean; onClose: () => void; onRegenerated: (item: ContentItem) => void }) {
  const { t, i18n } = useTranslation();
  const quote = useRegenerationQuote(item.id);
  const [form, setForm] = useState<RegenerateForm>(INITIAL);
  const [idempotencyKey, setIdempotencyKey] = useState(newRequestKey);
  const [regenerate, { loading, error, reset }] = useMutation(REGENERATE_CONTENT_MUTATION);
  const set = <K extends keyof RegenerateForm>(key: K, value: RegenerateForm[K]) => {
    setForm((current) => ({ ...current, [key]: value }));
    setIdempotencyKey(newRequestKey());
  };
  const q = quote.data?.regenerationQuote;
  const capReached = q?.remaining === 0;
  const problem = error ? describeError(error) : null;
  const fieldError = (name: string) => (problem?.field === name ? (problem.detail ?? t('errors.badInput')) : undefined);

  const submit = async () => {
    const result = await regenerate({
      variables: {
        itemId: item.id,
        input: {
          brief: form.brief.trim() || null,
          tone: form.tone.trim() || null,
          length: form.length === 'KEEP' ? null : form.length,
          paragraph: form.paragraph === '' ? null : form.paragraph - 1,
          idempotencyKey,
        },
      },
    }).catch(() => null);
    const next = result?.data?.regenerateContent;
    if (next) {
      setForm(INITIAL);
      setIdempotencyKey(newRequestKey());
      reset();
      void quote.refetch();
      onRegenerated(next);
    }
  };

  return (
    <Modal opened={opened} onClose={onClose} title={t('studioAi.regenerate.title')} size="lg" centered>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          void submit();
        }}
      >
        <Stack gap="md">
          <Text size="sm" c="dimmed">
            {t('studioAi.regenerate.intro')}
          </Text>
          {q ? (
            <Alert variant="light" color={capReached ? 'red' : 'blue'} data-testid="regeneration-quote">
              <Text size="sm">{t('studioAi.regenerate.cost', { count: q.credits, available: formatNumber(q.available, i18n.language) })}</Text>
              <Text size="sm">
                {capReached
                  ? t('studioAi.regenerate.capReached')
                  : q.limit === null
                    ? t('studioAi.regenerate.unlimited')
                    : t('studioAi.regenerate.remaining', { remaining: q.remaining, limit: q.limit })}
              </Text>
            </Alert>
          ) : null}
          {error && !problem?.field ? <ErrorAlert error={error} title={t('studioAi.regenerate.failed')} /> : null}
          <Textarea
            label={t('studioAi.generate.brief')}
            description={t('studioAi.regenerate.briefHelp')}
            placeholder={item.brief ?? ''}
            autosize
            minRows={2}
            maxRows={6}
            value={form.brief}
            onChange={(event) => set('brief', event.currentTarget.value)}
            error={fieldError('brief')}
          />
          <TextInput
            label={t('studioAi.generate.tone')}
            description={t('studioAi.regenerate.toneHelp')}
            value={form.tone}
            onChange={(event) => set('tone', event.currentTarget.value)}
            error={fieldError('tone')}
          />
          <Stack gap={4}>
            <Text size="sm" fw={500} id="regenerate-length">
              {t('studioAi.generate.length')}
            </Text>
            <SegmentedControl
              aria-labelledby="regenerate-length"
              value={form.length}
              onChange={(value) => set('length', value as RegenerateForm['length'])}
              data={[{ value: 'KEEP', label: t('studioAi.regenerate.keepLength') }, ...CONTENT_LENGTHS.map((length) => ({ value: length, label: t(`studioAi.lengths.${length}`) }))]}
            />
          </Stack>
          <NumberInput
            label={t('studioAi.regenerate.paragraph')}
            description={t('studioAi.regenerate.paragraphHelp')}
            min={1}
            allowDecimal={false}
            value={form.paragraph}
            onChange={(value) => set('paragraph', typeof value === 'number' ? value : '')}
            error={fieldError('paragraph')}
          />
          <Button type="submit" leftSection={<IconRefresh size={16} />} loading={loading} disabled={capReached}>
            {q ? t('studioAi.regenerate.submit', { count: q.credits }) : t('studioAi.regenerate.open')}
          </Button>
        </Stack>
      </form>
    </Modal>
  );
}
