import { Alert, Anchor, Badge, Button, Card, Group, NumberInput, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useMutation, useQuery } from '@apollo/client/react';
import { IconRecycle, IconSearch, IconX } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { ErrorAlert } from '../common/ErrorAlert.tsx';
import { PageLoader } from '../common/PageLoader.tsx';
import { formatDate, formatDateTime } from '../common/format.ts';
import { ACCEPT_EVERGREEN_MUTATION, DISMISS_EVERGREEN_MUTATION, EVERGREEN_QUERY, FIND_EVERGREEN_MUTATION, UPDATE_EVERGREEN_POLICY_MUTATION } from './evergreen.graphql.ts';
import type { EvergreenCandidate, EvergreenPolicy, EvergreenStatus } from './evergreen.graphql.ts';

const STATUS_COLOR: Record<EvergreenStatus, string> = { PROPOSED: 'blue', ACCEPTED: 'teal', DISMISSED: 'gray', REPUBLISHED: 'grape' };

function CandidateCard({ candidate }: { candidate: EvergreenCandidate }) {
  const { t, i18n } = useTranslation();
  const [accept, accepting] = useMutation(ACCEPT_EVERGREEN_MUTATION, { refetchQueries: [{ query: EVERGREEN_QUERY }], awaitRefetchQueries: true });
  const [dismiss, dismissing] = useMutation(DISMISS_EVERGREEN_MUTATION, { refetchQueries: [{ query: EVERGREEN_QUERY }], awaitRefetchQueries: true });
  return (
    <Card withBorder radius="md" padding="md" data-testid="evergreen-candidate">
      <Group justify="space-between" align="flex-start" wrap="nowrap">
        <Stack gap={4}>
          <Group gap="xs">
            <Badge color={STATUS_COLOR[candidate.status]} variant="light">{t(`evergreen.status.${candidate.status}`)}</Badge>
            <Badge variant="outline" color="gray">{t(`channels.${candidate.item.channel}`, { defaultValue: candidate.item.channel })}</Badge>
            <Badge variant="filled" color="brand">{t('evergreen.scoreBadge', { value: Math.round(candidate.score * 100) })}</Badge>
          </Group>
          <Title order={3} fz="md">{candidate.item.title}</Title>
          <Text size="sm">{t('evergreen.reason', {
            events: candidate.events, conversions: candidate.conversions, window: candidate.windowDays, engagement: candidate.engagement,
            median: new Intl.NumberFormat(i18n.language, { maximumFractionDigits: 1 }).format(candidate.median),
            percent: Math.round(candidate.score * 100), published: candidate.publishedItems, age: candidate.ageDays,
          })}</Text>
          {candidate.refreshItem ? (
            <Text size="sm">
              {t('evergreen.refreshed')}{' '}
              <Anchor component={Link} to={`/studio/${candidate.refreshItem.id}`}>{candidate.refreshItem.title}</Anchor>
              {candidate.refreshScheduledAt ? ` — ${t('evergreen.scheduledFor', { at: formatDateTime(candidate.refreshScheduledAt, i18n.language) })}` : ''}
            </Text>
          ) : null}
          {candidate.cooldownUntil && candidate.status !== 'PROPOSED' ? <Text size="xs" c="dimmed">{t('evergreen.cooldownUntil', { at: formatDate(candidate.cooldownUntil, i18n.language) })}</Text> : null}
        </Stack>
        {candidate.status === 'PROPOSED' ? (
          <Stack gap="xs">
            <Button leftSection={<IconRecycle size={16} />} loading={accepting.loading} onClick={() => void accept({ variables: { id: candidate.id } }).catch(() => null)}>{t('evergreen.accept')}</Button>
            <Button variant="default" leftSection={<IconX size={16} />} loading={dismissing.loading} onClick={() => void dismiss({ variables: { id: candidate.id } }).catch(() => null)}>{t('evergreen.dismiss')}</Button>
          </Stack>
        ) : null}
      </Group>
      <ErrorAlert error={accepting.error ?? dismissing.error} />
    </Card>
  );
}

function PolicyCard({ policy }: { policy: EvergreenPolicy }) {
  const { t } = useTranslation();
  const [draft, setDraft] = useState(policy);
  const [save, saving] = useMutation(UPDATE_EVERGREEN_POLICY_MUTATION, { refetchQueries: [{ query: EVERGREEN_QUERY }], awaitRefetchQueries: true });
  const cap = policy.planMaxPerMonth ?? policy.maxPerMonth;
  return (
    <Card withBorder radius="md" padding="md">
      <Group justify="space-between" mb="xs">
        <Text fw={600}>{t('evergreen.policy.title')}</Text>
        <Badge variant="light">{t('evergreen.policy.used', { used: policy.proposedThisMonth, cap })}</Badge>
      </Group>
      {policy.planMaxPerMonth !== null ? <Text size="xs" c="dimmed" mb="xs">{t('evergreen.policy.planCap', { cap: policy.planMaxPerMonth })}</Text> : null}
      <form onSubmit={(event) => {
        event.preventDefault();
        void save({ variables: { input: { minAgeDays: draft.minAgeDays, cooldownDays: draft.cooldownDays, maxPerMonth: draft.maxPerMonth, minScore: draft.minScore } } }).catch(() => null);
      }}>
        <SimpleGrid cols={{ base: 2, sm: 4 }}>
          <NumberInput label={t('evergreen.policy.minAge')} min={7} max={3650} value={draft.minAgeDays} onChange={(v) => setDraft({ ...draft, minAgeDays: Number(v) || 0 })} />
          <NumberInput label={t('evergreen.policy.cooldown')} min={7} max={3650} value={draft.cooldownDays} onChange={(v) => setDraft({ ...draft, cooldownDays: Number(v) || 0 })} />
          <NumberInput label={t('evergreen.policy.perMonth')} min={0} max={100} value={draft.maxPerMonth} onChange={(v) => setDraft({ ...draft, maxPerMonth: Number(v) || 0 })} />
          <NumberInput label={t('evergreen.policy.minScore')} min={0} max={1} step={0.05} decimalScale={2} value={draft.minScore} onChange={(v) => setDraft({ ...draft, minScore: Number(v) || 0 })} />
        </SimpleGrid>
        <Group justify="flex-end" mt="sm"><Button type="submit" variant="default" size="xs" loading={saving.loading}>{t('evergreen.policy.save')}</Button></Group>
        <ErrorAlert error={saving.error} />
      </form>
    </Card>
  );
}

/** C13: candidates with their reason, accept / dismiss, the policy and "find candidates now". */
export function EvergreenCandidates() {
  const { t } = useTranslation();
  const { data, loading, error, refetch } = useQuery(EVERGREEN_QUERY, { fetchPolicy: 'cache-and-network' });
  const [find, finding] = useMutation(FIND_EVERGREEN_MUTATION, { refetchQueries: [{ query: EVERGREEN_QUERY }], awaitRefetchQueries: true });
  const [found, setFound] = useState<{ proposed: number; considered: number; capLeft: number } | null>(null);
  if (loading && !data) return <PageLoader />;
  if (!data) return <ErrorAlert error={error} onRetry={() => void refetch()} />;
  const open = data.evergreenCandidates.filter((c) => c.status === 'PROPOSED');
  const decided = data.evergreenCandidates.filter((c) => c.status !== 'PROPOSED');
  return (
    <Stack gap="md">
      <PolicyCard key={JSON.stringify(data.evergreenPolicy)} policy={data.evergreenPolicy} />
      <Group justify="space-between">
        <Title order={2} fz="lg">{t('evergreen.proposals')}</Title>
        <Button variant="light" leftSection={<IconSearch size={16} />} loading={finding.loading} onClick={async () => {
          const answer = await find().catch(() => null);
          const run = answer?.data?.findEvergreenCandidates;
          if (run) setFound({ proposed: run.proposed.length, considered: run.considered, capLeft: run.capLeft });
        }}>{t('evergreen.find')}</Button>
      </Group>
      {found ? <Alert role="status" variant="light" withCloseButton onClose={() => setFound(null)}>{t('evergreen.found', { count: found.proposed, considered: found.considered, capLeft: found.capLeft })}</Alert> : null}
      <ErrorAlert error={finding.error} />
      {open.length === 0 ? <Text c="dimmed" size="sm">{t('evergreen.none')}</Text> : null}
      {open.map((c) => <CandidateCard key={c.id} candidate={c} />)}
      {decided.length > 0 ? <Title order={2} fz="lg" mt="md">{t('evergreen.decided')}</Title> : null}
      {decided.map((c) => <CandidateCard key={c.id} candidate={c} />)}
    </Stack>
  );
}
