import { useMutation } from '@apollo/client/react';
import { useCallback, useMemo, useState } from 'react';
import { slugify } from './slug.ts';
import { SAVE_DRAFT_MUTATION } from './studio.graphql.ts';
import type { Channel, ContentItem, DraftInput } from './studio.graphql.ts';

export interface DraftFields {
  channel: Channel;
  title: string;
  keyphrase: string;
  slug: string;
  metaDescription: string;
  body: string;
}

function fieldsOf(item: ContentItem): DraftFields {
  return {
    channel: item.channel,
    title: item.title,
    keyphrase: item.keyphrase ?? '',
    slug: item.slug ?? '',
    metaDescription: item.metaDescription ?? '',
    body: item.body,
  };
}

export function toDraftInput(fields: DraftFields, locale: string): DraftInput {
  const optional = (value: string) => (value.trim() === '' ? null : value.trim());
  return {
    channel: fields.channel,
    title: fields.title,
    body: fields.body,
    keyphrase: optional(fields.keyphrase),
    slug: optional(fields.slug),
    metaDescription: optional(fields.metaDescription),
    locale,
  };
}

export function useDraftEditor(item: ContentItem) {
  const [fields, setFields] = useState<DraftFields>(() => fieldsOf(item));
  const [saved, setSaved] = useState<DraftFields>(() => fieldsOf(item));
  // The slug follows the title until the user writes one.
  const [slugTouched, setSlugTouched] = useState(() => Boolean(item.slug));
  const [version, setVersion] = useState(item.currentVersion);
  const [justSaved, setJustSaved] = useState<number | null>(null);
  const [saveDraft, { loading: saving, error: saveError }] = useMutation(SAVE_DRAFT_MUTATION);

  const setField = useCallback(
    <K extends keyof DraftFields>(key: K, value: DraftFields[K]) => {
      setJustSaved(null);
      setFields((current) => {
        const next = { ...current, [key]: value };
        if (key === 'title' && !slugTouched) next.slug = slugify(String(value));
        return next;
      });
      if (key === 'slug') setSlugTouched(String(value).trim() !== '');
    },
    [slugTouched],
  );

  const input = useMemo(() => toDraftInput(fields, item.locale), [fields, item.locale]);
  const dirty = JSON.stringify(fields) !== JSON.stringify(saved);

  const save = useCallback(async () => {
    const result = await saveDraft({ variables: { id: item.id, input } }).catch(() => null);
    const next = result?.data?.saveDraft;
    if (next) {
      setSaved(fields);
      setVersion(next.currentVersion);
      setJustSaved(next.currentVersion);
    }
  }, [saveDraft, item.id, input, fields]);

  /** Another version became current (regenerated or restored): show it as saved. */
  const reset = useCallback((next: ContentItem) => {
    const nextFields = fieldsOf(next);
    setFields(nextFields);
    setSaved(nextFields);
    setSlugTouched(Boolean(next.slug));
    setVersion(next.currentVersion);
    setJustSaved(null);
  }, []);

  return { fields, setField, input, dirty, save, saving, saveError, version, justSaved, reset };
}
