import { useMutation, useSubscription } from '@apollo/client/react';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useRealtime } from '../../apollo/realtime.ts';
import { describeError } from '../../apollo/errors.ts';
import { REALTIME } from '../../apollo/client.ts';
import { SCORE_DRAFT_EDIT_MUTATION, SCORE_DRAFT_MUTATION, SEO_SCORE_SUBSCRIPTION } from './studio.graphql.ts';
import { onlyBodyChanged, paragraphEdit } from './paragraph-edit.ts';
import type { DraftInput, SeoScore } from './studio.graphql.ts';

/** Typing pauses shorter than this are one edit. */
export const SCORE_DEBOUNCE_MS = 150;
/**
 * The score is pushed, never polled. A push can only be missed when the text is
 * sent before the subscription is live (graphql-ws has no subscribe ack), so a
 * revision left unanswered this long is sent once more, a few times at most.
 */
const UNANSWERED_MS = 2_500;
const MAX_UNANSWERED_RESENDS = 3;

export interface LiveScore {
  score: SeoScore | null;
  /** A newer revision was sent than the one shown. */
  pending: boolean;
  error: unknown;
}

export function useLiveScore(itemId: string, input: DraftInput): LiveScore {
  const realtime = useRealtime();
  // On the socket that carries the seoScore subscription: the gateway hands these straight to the
  // content service that scores and pushes (no query plan, no extra HTTP request).
  const [scoreDraft] = useMutation(SCORE_DRAFT_MUTATION, { context: REALTIME });
  const [scoreDraftEdit] = useMutation(SCORE_DRAFT_EDIT_MUTATION, { context: REALTIME });
  /** The draft last sent: the next change to its body only is sent as an edit of it. */
  const lastSent = useRef<{ revision: number; input: DraftInput } | null>(null);
  const [score, setScore] = useState<SeoScore | null>(null);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const sentRevision = useRef(0);
  const shownRevision = useRef(0);
  const unansweredResends = useRef(0);
  const watchdog = useRef<ReturnType<typeof setTimeout> | null>(null);
  const inputRef = useRef(input);
  inputRef.current = input;

  const send = useCallback(() => {
    const revision = ++sentRevision.current;
    setPending(true);
    if (watchdog.current) clearTimeout(watchdog.current);
    watchdog.current = setTimeout(() => {
      if (shownRevision.current < revision && sentRevision.current === revision && unansweredResends.current < MAX_UNANSWERED_RESENDS) {
        unansweredResends.current += 1;
        send();
      }
    }, UNANSWERED_MS);
    const input = inputRef.current;
    const base = lastSent.current;
    lastSent.current = { revision, input };
    const request = base && onlyBodyChanged(base.input, input)
      ? scoreDraftEdit({ variables: { id: itemId, base: base.revision, edit: paragraphEdit(base.input.body, input.body), revision } })
      : scoreDraft({ variables: { id: itemId, input, revision } });
    request
      .then(() => setError(null))
      .catch((caught: unknown) => {
        // The service no longer holds the draft this edit applies to (restart, another replica): send all of it.
        if (describeError(caught).code === 'CONFLICT' && sentRevision.current === revision) {
          lastSent.current = null;
          send();
          return;
        }
        setError(caught);
        setPending(false);
      });
  }, [itemId, scoreDraft, scoreDraftEdit]);

  const subscription = useSubscription(SEO_SCORE_SUBSCRIPTION, {
    variables: { itemId },
    onData: ({ data }) => {
      const next = data.data?.seoScore;
      // Scores can arrive out of order: never show an older revision over a newer one.
      if (!next || next.revision < shownRevision.current) return;
      shownRevision.current = next.revision;
      unansweredResends.current = 0;
      setScore(next);
      if (next.revision >= sentRevision.current) setPending(false);
    },
  });

  // Every change, once typing pauses.
  const key = JSON.stringify(input);
  useEffect(() => {
    const timer = setTimeout(send, SCORE_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [key, send]);

  // A (re)connected socket has just resubscribed: score the current text on it.
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | null = null;
    const off = realtime.onConnected(() => {
      timer = setTimeout(send, 300);
    });
    return () => {
      off();
      if (timer) clearTimeout(timer);
    };
  }, [realtime, send]);

  useEffect(
    () => () => {
      if (watchdog.current) clearTimeout(watchdog.current);
    },
    [],
  );

  return { score, pending, error: error ?? subscription.error ?? null };
}
