import { Badge, Group, Tooltip } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { formatDateTime } from '../common/format.ts';
import type { Contact, ConsentChannel } from './contacts.graphql.ts';

/** One badge per channel the contact can be reached on: consented, withdrawn, or never asked. */
export function ConsentBadges({ contact }: { contact: Contact }) {
  const { t, i18n } = useTranslation();
  const channels: Array<{ channel: ConsentChannel; reachable: boolean }> = [
    { channel: 'EMAIL', reachable: !!contact.email },
    { channel: 'SMS', reachable: !!contact.phone },
  ];
  return (
    <Group gap={6} wrap="nowrap">
      {channels.filter((c) => c.reachable).map(({ channel }) => {
        const consent = contact.consents.find((c) => c.channel === channel);
        const state = consent?.status ?? 'NONE';
        const color = state === 'GRANTED' ? 'teal' : state === 'WITHDRAWN' ? 'red' : 'gray';
        const label = t(`contacts.consent.${state}`, { channel: t(`contacts.channel.${channel}`) });
        return (
          <Tooltip key={channel} label={consent ? t('contacts.consentSince', { source: t(`contacts.source.${consent.source}`, { defaultValue: consent.source }), date: formatDateTime(consent.at, i18n.language) }) : t('contacts.consentNever')}>
            <Badge color={color} variant={state === 'NONE' ? 'outline' : 'light'} aria-label={label}>
              {label}
            </Badge>
          </Tooltip>
        );
      })}
    </Group>
  );
}
