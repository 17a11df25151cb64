import { Badge } from '@mantine/core';
import { useQuery } from '@apollo/client/react';
import { useTranslation } from 'react-i18next';
import { UNREAD_ALERTS_QUERY } from './watch.graphql.ts';

/** The shell's count of unread competitor alerts (refreshed every two minutes and by the watch page's actions). */
export function UnreadAlertsBadge() {
  const { t } = useTranslation();
  const { data } = useQuery(UNREAD_ALERTS_QUERY, { pollInterval: 120_000, fetchPolicy: 'cache-and-network' });
  const count = data?.unreadCompetitorAlerts ?? 0;
  if (count === 0) return null;
  return (
    <Badge size="sm" color="red" variant="filled" circle={count < 10} aria-label={t('watch.alerts.badge', { count })} data-testid="unread-alerts-badge">
      {count > 99 ? '99+' : count}
    </Badge>
  );
}
