import { Badge, Group, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { ChannelUsage } from './studio.graphql.ts';

const UNIT_KEYS: Record<string, 'characters' | 'weighted' | 'smsParts'> = { characters: 'characters', 'weighted characters': 'weighted', 'SMS parts': 'smsParts' };

/**
 * The channel's hard limits as the server counts them (pushed with each live
 * score): the same counts that refuse a save past them.
 */
export function ChannelLimits({ usage }: { usage: ChannelUsage | null }) {
  const { t } = useTranslation();
  if (!usage) return null;
  const { length, hashtags, links } = usage;
  const lengthOver = length !== null && length.used > length.max;
  const tagsOver = hashtags.max !== null && hashtags.used > hashtags.max;
  const linksOver = !links.allowed && links.used > 0;
  if (length === null && hashtags.max === null && links.allowed) return null;
  return (
    <Group gap="xs" aria-label={t('studioAi.limits.label')} role="group" data-testid="channel-limits">
      {length ? (
        <Badge variant="light" color={lengthOver ? 'red' : 'gray'} tt="none" data-testid="limit-length">
          {t('studioAi.limits.length', { used: length.used, max: length.max, unit: t(`studioAi.limits.units.${UNIT_KEYS[length.unit] ?? 'characters'}`) })}
        </Badge>
      ) : null}
      {hashtags.max !== null ? (
        <Badge variant="light" color={tagsOver ? 'red' : 'gray'} tt="none" data-testid="limit-hashtags">
          {t('studioAi.limits.hashtags', { used: hashtags.used, max: hashtags.max })}
        </Badge>
      ) : hashtags.used > 0 ? (
        <Badge variant="light" color="gray" tt="none" data-testid="limit-hashtags">
          {t('studioAi.limits.hashtagsFree', { used: hashtags.used })}
        </Badge>
      ) : null}
      {!links.allowed ? (
        <Badge variant="light" color={linksOver ? 'red' : 'gray'} tt="none" data-testid="limit-links">
          {linksOver ? t('studioAi.limits.links', { count: links.used }) : t('studioAi.limits.linksOk')}
        </Badge>
      ) : null}
      {lengthOver || tagsOver || linksOver ? (
        <Text size="xs" c="red.8">
          {t('studioAi.limits.over')}
        </Text>
      ) : null}
    </Group>
  );
}
