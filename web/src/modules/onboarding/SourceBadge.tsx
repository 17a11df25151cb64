import { Badge, Tooltip } from '@mantine/core';
import { IconFileTypePdf, IconForms, IconMicrophone, IconPencil, IconSettings, IconWorld } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import type { FieldOrigin, FieldSource } from './onboarding.graphql.ts';

const LOOK: Record<FieldSource | 'EDITED', { color: string; icon: typeof IconForms }> = {
  QUESTIONNAIRE: { color: 'blue', icon: IconForms },
  PDF: { color: 'red', icon: IconFileTypePdf },
  URL: { color: 'teal', icon: IconWorld },
  AUDIO: { color: 'grape', icon: IconMicrophone },
  WORKSPACE: { color: 'gray', icon: IconSettings },
  EDITED: { color: 'yellow', icon: IconPencil },
};

/** Short text of an origin: "questionnaire", "brochure.pdf p. 2", "example.com/menu", "interview.webm". */
function shortLabel(origin: FieldOrigin, page: (n: number) => string): string {
  if (origin.source === 'PDF') return origin.label.replace(/^pdf:/, '').replace(/ page (\d+)$/, (_m, n: string) => ` ${page(Number(n))}`);
  if (origin.source === 'URL' && origin.url) {
    try {
      const url = new URL(origin.url);
      return `${url.hostname.replace(/^www\./, '')}${url.pathname === '/' ? '' : url.pathname}`;
    } catch {
      return origin.url;
    }
  }
  if (origin.source === 'AUDIO') return origin.label.replace(/^audio:/, '');
  return origin.label;
}

/** Where a field of the draft came from; "edited" once the client changed it. */
export function SourceBadge({ origin }: { origin: FieldOrigin | 'edited' | null }) {
  const { t } = useTranslation();
  if (!origin) return null;
  const key = origin === 'edited' ? 'EDITED' : origin.source;
  const { color, icon: Icon } = LOOK[key];
  const text = origin === 'edited' ? t('onboarding.review.edited') : origin.source === 'QUESTIONNAIRE' ? t('onboarding.review.fromQuestionnaire') : origin.source === 'WORKSPACE' ? t('onboarding.review.fromWorkspace') : shortLabel(origin, (n) => t('onboarding.review.page', { page: n }));
  const full = origin === 'edited' ? t('onboarding.review.editedHelp') : `${t(`onboarding.review.sources.${origin.source}`)}: ${origin.label}${origin.excerpt ? ` — “${origin.excerpt}”` : ''}`;
  return (
    <Tooltip label={full} multiline w={320} withArrow openDelay={200}>
      <Badge
        size="sm"
        variant="light"
        color={color}
        radius="sm"
        leftSection={<Icon size={12} aria-hidden="true" />}
        style={{ cursor: 'help', flexShrink: 0, maxWidth: 220, textTransform: 'none' }}
        data-testid="source-badge"
        data-source={key}
        aria-label={full}
      >
        {text}
      </Badge>
    </Tooltip>
  );
}
