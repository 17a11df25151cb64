import { Grid, SegmentedControl, Stack } from '@mantine/core';
import { useQuery, useSubscription } from '@apollo/client/react';
import { useState } from 'react';
import { useSearchParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../modules/common/ErrorAlert.tsx';
import { PageHeader } from '../modules/common/PageHeader.tsx';
import { PageLoader } from '../modules/common/PageLoader.tsx';
import { ApprovalDetail } from '../modules/approvals/ApprovalDetail.tsx';
import { ApprovalQueue } from '../modules/approvals/ApprovalQueue.tsx';
import { APPROVAL_EVENTS_SUBSCRIPTION, APPROVAL_QUERY, APPROVALS_QUERY } from '../modules/approvals/approvals.graphql.ts';
import type { ApprovalStatus } from '../modules/calendar/calendar.graphql.ts';

const DECIDED: ApprovalStatus[] = ['APPROVED', 'AUTO_APPROVED', 'CHANGES_REQUESTED', 'REGENERATING', 'EXPIRED', 'REJECTED'];

export function ApprovalsPage() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const [filter, setFilter] = useState<'pending' | 'decided'>('pending');
  const queue = useQuery(APPROVALS_QUERY, { variables: { status: filter === 'pending' ? ['PENDING'] : DECIDED, limit: 100 }, fetchPolicy: 'cache-and-network' });
  const list = queue.data?.approvals ?? [];
  const selectedId = params.get('approval') ?? list[0]?.id ?? null;
  const selected = useQuery(APPROVAL_QUERY, { variables: { id: selectedId ?? '' }, skip: !selectedId });
  // Decisions, comments, reminders and regenerations from anyone (an external approver too) arrive live.
  useSubscription(APPROVAL_EVENTS_SUBSCRIPTION, {
    onData: () => {
      void queue.refetch();
      if (selectedId) void selected.refetch();
    },
  });
  const select = (id: string) => setParams((p) => {
    p.set('approval', id);
    return p;
  });

  return (
    <>
      <PageHeader title={t('approvals.title')} description={t('approvals.subtitle')} />
      <ErrorAlert error={queue.error && !queue.data ? queue.error : null} onRetry={() => void queue.refetch()} />
      <Grid gap="lg">
        <Grid.Col span={{ base: 12, lg: 4 }}>
          <Stack gap="sm">
            <SegmentedControl
              value={filter}
              onChange={(value) => setFilter(value as 'pending' | 'decided')}
              data={[{ value: 'pending', label: t('approvals.pending') }, { value: 'decided', label: t('approvals.decided') }]}
            />
            {queue.loading && !queue.data ? <PageLoader /> : <ApprovalQueue approvals={list} selectedId={selectedId} onSelect={select} />}
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 8 }}>
          {selected.error ? <ErrorAlert error={selected.error} /> : null}
          {selected.data ? <ApprovalDetail key={selected.data.approval.id} approval={selected.data.approval} onRegenerated={select} /> : null}
        </Grid.Col>
      </Grid>
    </>
  );
}
