import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import { humanizeKey } from '../common/format.ts';
import { CHANNELS } from '../studio/studio.graphql.ts';
import type { ContentStatus } from '../studio/studio.graphql.ts';

const KNOWN_FACTS = ['goals', 'offers', 'topics', 'channels', 'trigger', 'carriedOver', 'unpublishedItems', 'lastMonth', 'events', 'published', 'onboardingSources', 'total', 'keys', 'layers', 'snapshotVersion', 'locale', 'slots', 'created', 'byChannel', 'first', 'last', 'plan', 'timeZone', 'items', 'replayed', 'generated', 'creditsCharged', 'creditsReserved', 'paths', 'notPublishable', 'scheduledLater', 'alreadyPublished', 'byStatus', 'recorded', 'duplicates', 'month', 'fromMonth', 'runCreated'] as const;
type KnownFact = (typeof KNOWN_FACTS)[number];
const STATUSES: readonly ContentStatus[] = ['DRAFT', 'IN_REVIEW', 'APPROVED', 'SCHEDULED', 'PUBLISHED', 'REJECTED', 'ARCHIVED'];

/** "byChannel.blog" → "By channel · Blog article": activity result keys in the UI's language where we know them. */
export function useFactLabel(): (key: string) => string {
  const { t } = useTranslation();
  return useCallback(
    (key: string) =>
      key
        .split('.')
        .map((part) => {
          if ((KNOWN_FACTS as readonly string[]).includes(part)) return t(`pipeline.facts.${part as KnownFact}`);
          const upper = part.toUpperCase();
          if ((CHANNELS as readonly string[]).includes(upper)) return t(`channels.${upper as (typeof CHANNELS)[number]}`);
          if ((STATUSES as readonly string[]).includes(upper)) return t(`contentStatus.${upper as ContentStatus}`);
          return humanizeKey(part);
        })
        .join(' · '),
    [t],
  );
}
