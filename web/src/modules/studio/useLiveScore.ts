import { useMutation, useSubscription } from '@apollo/client/react';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useRealtime } from '../../apollo/realtime.ts';
import { SCORE_DRAFT_MUTATION, SEO_SCORE_SUBSCRIPTION } from './studio.graphql.ts';
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
  const [scoreDraft] = useMutation(SCORE_DRAFT_MUTATION);
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
    scoreDraft({ variables: { id: itemId, input: inputRef.current, revision } })
      .then(() => setError(null))
      .catch((caught: unknown) => {
        setError(caught);
        setPending(false);
      });
  }, [itemId, scoreDraft]);

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
