import { Badge, Button, Card, Grid, Group, NavLink, ScrollArea, Stack, Text, Title } from '@mantine/core';
import { useMutation, useQuery } from '@apollo/client/react';
import { IconSend } from '@tabler/icons-react';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router';
import { ErrorAlert } from '../modules/common/ErrorAlert.tsx';
import { PageHeader } from '../modules/common/PageHeader.tsx';
import { PageLoader } from '../modules/common/PageLoader.tsx';
import { formatDateTime } from '../modules/common/format.ts';
import { useSession } from '../modules/auth/useSession.ts';
import { ChannelConnections } from '../modules/publication/ChannelConnections.tsx';
import { OutcomeAlert, PublicationLog, PublicationStatusBadge } from '../modules/publication/PublicationLog.tsx';
import { PUBLICATIONS_OVERVIEW_QUERY, PUBLICATION_LOG_QUERY, PUBLISH_NOW_MUTATION } from '../modules/publication/publication.graphql.ts';
import type { PublishResult } from '../modules/publication/publication.graphql.ts';

const PUBLISHABLE = new Set(['APPROVED', 'SCHEDULED', 'PUBLISHED']);
// Approved, not published yet: its slot's time is when it goes out.
const WAITING = new Set(['APPROVED', 'SCHEDULED']);

function ItemLog({ itemId, publishable, connected }: { itemId: string; publishable: boolean; connected: boolean }) {
  const { t } = useTranslation();
  const [result, setResult] = useState<PublishResult | null>(null);
  const { data, loading, error, refetch } = useQuery(PUBLICATION_LOG_QUERY, { variables: { itemId }, fetchPolicy: 'cache-and-network' });
  const [publishNow, publishing] = useMutation(PUBLISH_NOW_MUTATION, {
    refetchQueries: [{ query: PUBLICATION_LOG_QUERY, variables: { itemId } }, { query: PUBLICATIONS_OVERVIEW_QUERY }],
    awaitRefetchQueries: true,
  });
  if (loading && !data) return <PageLoader />;
  if (!data) return <ErrorAlert error={error} onRetry={() => void refetch()} />;
  return (
    <Stack gap="md">
      <Group justify="space-between">
        <Title order={2} fz="lg">{t('publications.logTitle')}</Title>
        <Button
          leftSection={<IconSend size={16} />}
          disabled={!publishable || !connected}
          loading={publishing.loading}
          title={!connected ? t('publications.notConnected') : !publishable ? t('publications.notApproved') : undefined}
          onClick={async () => {
            const answer = await publishNow({ variables: { itemId } }).catch(() => null);
            if (answer?.data) setResult(answer.data.publishNow);
          }}
        >
          {t('publications.publishNow')}
        </Button>
      </Group>
      {result ? <OutcomeAlert result={result} onClose={() => setResult(null)} /> : null}
      <ErrorAlert error={publishing.error} />
      <PublicationLog publications={data.publicationLog} />
    </Stack>
  );
}

export function PublicationsPage() {
  const { t, i18n } = useTranslation();
  const { itemId } = useParams();
  const navigate = useNavigate();
  const { can } = useSession();
  const { data, loading, error, refetch } = useQuery(PUBLICATIONS_OVERVIEW_QUERY, { fetchPolicy: 'cache-and-network' });

  const rows = useMemo(() => {
    if (!data) return [];
    const last = new Map<string, (typeof data.publications)[number]>();
    for (const p of data.publications) if (!last.has(p.itemId)) last.set(p.itemId, p);
    return data.contentItems
      .filter((item) => PUBLISHABLE.has(item.status) || last.has(item.id))
      .map((item) => ({ item, publication: last.get(item.id) ?? null }))
      .sort((a, b) => (b.publication?.updatedAt ?? b.item.updatedAt).localeCompare(a.publication?.updatedAt ?? a.item.updatedAt));
  }, [data]);

  if (loading && !data) return <PageLoader />;
  if (!data) return <ErrorAlert error={error} onRetry={() => void refetch()} />;
  const selected = rows.find((r) => r.item.id === itemId) ?? null;
  const connectedKinds = new Set(data.publishingChannels.filter((c) => c.connector && c.connectionStatus === 'active').map((c) => c.channel));

  return (
    <>
      <PageHeader title={t('publications.title')} description={t('publications.subtitle')} />
      <ChannelConnections channels={data.publishingChannels} canConnect={can('content:publish')} />
      <Grid gap="lg">
        <Grid.Col span={{ base: 12, md: 5 }}>
          <Card withBorder radius="md" padding="xs">
            <ScrollArea.Autosize mah={640}>
              <nav aria-label={t('publications.postsLabel')}>
                {rows.length === 0 ? <Text c="dimmed" size="sm" p="sm">{t('publications.noPosts')}</Text> : null}
                {rows.map(({ item, publication }) => (
                  <NavLink
                    key={item.id}
                    active={item.id === itemId}
                    onClick={() => void navigate(`/publications/${item.id}`)}
                    label={item.title}
                    description={`${t(`channels.${item.channel}`, { defaultValue: item.channel })} · ${
                      WAITING.has(item.status) && item.scheduledAt
                        ? t('publications.scheduledFor', { date: formatDateTime(item.scheduledAt, i18n.language) })
                        : formatDateTime(publication?.updatedAt ?? item.updatedAt, i18n.language)
                    }`}
                    rightSection={publication ? <PublicationStatusBadge status={publication.status} /> : <Badge variant="outline" color="gray">{t(`contentStatus.${item.status}`, { defaultValue: item.status })}</Badge>}
                  />
                ))}
              </nav>
            </ScrollArea.Autosize>
          </Card>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 7 }}>
          {selected ? (
            <ItemLog
              key={selected.item.id}
              itemId={selected.item.id}
              publishable={PUBLISHABLE.has(selected.item.status)}
              connected={connectedKinds.has(selected.item.channel)}
            />
          ) : (
            <Text c="dimmed">{t('publications.pick')}</Text>
          )}
        </Grid.Col>
      </Grid>
    </>
  );
}
