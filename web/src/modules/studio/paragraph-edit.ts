// What changed between two versions of a draft body, in the unit the content
// service's scoreDraftEdit takes: paragraphs (the body split at "\n\n"), the
// run between the common first and last ones replaced. A keystroke changes one
// paragraph, so a live score sends that paragraph instead of the whole draft.
import type { DraftEdit, DraftInput } from './studio.graphql.ts';

const SEPARATOR = '\n\n';

export function paragraphEdit(before: string, after: string): DraftEdit {
  const old = before.split(SEPARATOR);
  const next = after.split(SEPARATOR);
  let start = 0;
  while (start < old.length && start < next.length && old[start] === next[start]) start++;
  let end = 0;
  while (end < old.length - start && end < next.length - start && old[old.length - 1 - end] === next[next.length - 1 - end]) end++;
  return { at: start, remove: old.length - start - end, insert: next.slice(start, next.length - end) };
}

/** Whether only the body differs: an edit carries nothing else. */
export function onlyBodyChanged(before: DraftInput, after: DraftInput): boolean {
  return before.channel === after.channel && before.title === after.title && (before.keyphrase ?? null) === (after.keyphrase ?? null)
    && (before.slug ?? null) === (after.slug ?? null) && (before.metaDescription ?? null) === (after.metaDescription ?? null)
    && (before.locale ?? null) === (after.locale ?? null);
}
