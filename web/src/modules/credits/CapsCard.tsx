import { Alert, Card, Group, Progress, Stack, Text, Title } from '@mantine/core';
import { IconAlertTriangle, IconHandStop } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { formatDateTime, formatNumber } from '../common/format.ts';
import type { CreditBalance, CreditNotice } from './credits.graphql.ts';

/**
 * The banner above the page when a cap is reached: the soft one warns, the
 * hard one explains the refusals; the period's notice (recorded by the ledger
 * when the cap was reached) says when.
 */
export function CapBanner({ balance, notices }: { balance: CreditBalance; notices: CreditNotice[] }) {
  const { t, i18n } = useTranslation();
  const used = balance.consumed + balance.reserved;
  const period = balance.periodStart.slice(0, 10);
  const when = (kind: string) => {
    const notice = notices.find((n) => n.kind === kind && n.periodStart === period);
    return notice ? ` ${t('credits.reachedOn', { date: formatDateTime(notice.createdAt, i18n.language) })}` : '';
  };
  if (balance.hardCapReached && balance.hardCap !== null) {
    return (
      <Alert color="red" variant="light" icon={<IconHandStop size={18} />} title={t('credits.hardCapTitle')} mb="lg" role="alert">
        {t('credits.hardCapWarning', { cap: formatNumber(balance.hardCap, i18n.language) })}
        {when('hard_cap_reached')}
      </Alert>
    );
  }
  if (balance.softCapReached && balance.softCap !== null) {
    return (
      <Alert color="yellow" variant="light" icon={<IconAlertTriangle size={18} />} title={t('credits.softCapTitle')} mb="lg" role="alert">
        {t('credits.softCapWarning', { used: formatNumber(used, i18n.language), cap: formatNumber(balance.softCap, i18n.language) })}
        {when('soft_cap_reached')}
      </Alert>
    );
  }
  return null;
}

/** reached: the colour once the cap is reached (orange warns for the soft cap, red stops for the hard one). */
function CapRow({ label, cap, used, color, reached }: { label: string; cap: number | null; used: number; color: string; reached: string }) {
  const { t, i18n } = useTranslation();
  const share = cap && cap > 0 ? Math.min(100, Math.round((used / cap) * 100)) : 0;
  return (
    <Stack gap={4}>
      <Group justify="space-between">
        <Text size="sm" fw={600}>
          {label}
        </Text>
        <Text size="sm" c="dimmed">
          {cap === null ? t('credits.noCap') : t('credits.capUsed', { used: formatNumber(used, i18n.language), cap: formatNumber(cap, i18n.language) })}
        </Text>
      </Group>
      {cap !== null ? <Progress value={share} color={share >= 100 ? reached : color} size="md" radius="xl" aria-label={`${label}: ${share}%`} /> : null}
    </Stack>
  );
}

export function CapsCard({ balance }: { balance: CreditBalance }) {
  const { t } = useTranslation();
  const used = balance.consumed + balance.reserved;
  return (
    <Card withBorder radius="md" padding="lg" component="section" aria-labelledby="credits-caps-title">
      <Title order={2} fz="lg" mb={4} id="credits-caps-title">
        {t('credits.caps')}
      </Title>
      <Text size="xs" c="dimmed" mb="md">
        {t('credits.capsExplained')}
      </Text>
      <Stack gap="md">
        <CapRow label={t('credits.softCap')} cap={balance.softCap} used={used} color="yellow" reached="orange" />
        <CapRow label={t('credits.hardCap')} cap={balance.hardCap} used={used} color="teal" reached="red" />
      </Stack>
    </Card>
  );
}
