import { Badge, Button, Card, Grid, Group, NavLink, Stack, Tabs, Text } from '@mantine/core';
import { useQuery } from '@apollo/client/react';
import { IconPlus, IconRss, IconWorldWww } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { ErrorAlert } from '../modules/common/ErrorAlert.tsx';
import { PageHeader } from '../modules/common/PageHeader.tsx';
import { PageLoader } from '../modules/common/PageLoader.tsx';
import { AlertsFeed } from '../modules/watch/AlertsFeed.tsx';
import { SourceDetail, SourceStatusBadge } from '../modules/watch/SourceDetail.tsx';
import { SourceForm } from '../modules/watch/SourceForm.tsx';
import { COMPETITORS_QUERY, UNREAD_ALERTS_QUERY } from '../modules/watch/watch.graphql.ts';
import type { Source } from '../modules/watch/watch.graphql.ts';

/** C11: competitors, their sources with capture history and diffs, and the alerts feed (?alert=<id> from an e-mail opens it). */
export function CompetitorsPage() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const highlight = params.get('alert');
  const [tab, setTab] = useState<string | null>(highlight ? 'alerts' : 'sources');
  const [selected, setSelected] = useState<string | null>(params.get('source'));
  const [form, setForm] = useState<{ source: Source | null; competitor: string | null } | null>(null);
  const { data, loading, error, refetch } = useQuery(COMPETITORS_QUERY, { fetchPolicy: 'cache-and-network' });
  const unread = useQuery(UNREAD_ALERTS_QUERY, { fetchPolicy: 'cache-and-network' });
  const sources = data?.competitors.flatMap((c) => c.sources) ?? [];

  useEffect(() => {
    if (!selected && sources[0]) setSelected(sources[0].id);
  }, [selected, sources]);

  const open = (sourceId: string) => {
    setSelected(sourceId);
    setTab('sources');
    setParams((p) => {
      p.delete('alert');
      p.set('source', sourceId);
      return p;
    }, { replace: true });
  };

  if (loading && !data) return <PageLoader />;
  if (!data) return <ErrorAlert error={error} onRetry={() => void refetch()} />;
  const unreadCount = unread.data?.unreadCompetitorAlerts ?? 0;

  return (
    <>
      <PageHeader
        title={t('watch.title')}
        description={t('watch.description')}
        actions={<Button leftSection={<IconPlus size={16} />} onClick={() => setForm({ source: null, competitor: null })}>{t('watch.addSource')}</Button>}
      />
      {form ? (
        <SourceForm
          opened
          key={form.source?.id ?? 'new'}
          source={form.source}
          competitorName={form.competitor}
          onClose={() => setForm(null)}
          onSaved={(source) => {
            setForm(null);
            open(source.id);
          }}
        />
      ) : null}
      <Tabs value={tab} onChange={setTab} keepMounted={false}>
        <Tabs.List mb="md">
          <Tabs.Tab value="sources">{t('watch.tabs.sources')}</Tabs.Tab>
          <Tabs.Tab value="alerts" rightSection={unreadCount > 0 ? <Badge size="xs" color="red" circle={unreadCount < 10}>{unreadCount}</Badge> : null}>{t('watch.tabs.alerts')}</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="sources">
          {data.competitors.length === 0 ? (
            <Card withBorder radius="md" padding="xl"><Text c="dimmed">{t('watch.empty')}</Text></Card>
          ) : (
            <Grid gap="lg">
              <Grid.Col span={{ base: 12, md: 4 }}>
                <Card withBorder radius="md" padding="sm">
                  <nav aria-label={t('watch.sourcesNav')}>
                    <Stack gap="sm">
                      {data.competitors.map((competitor) => (
                        <div key={competitor.id}>
                          <Group justify="space-between" px="xs" mb={4}>
                            <Text fw={600} size="sm">{competitor.name}</Text>
                            <Group gap={4}>
                              {competitor.unreadAlerts > 0 ? <Badge size="xs" color="red" variant="light">{t('watch.unreadShort', { count: competitor.unreadAlerts })}</Badge> : null}
                              <Button size="compact-xs" variant="subtle" aria-label={t('watch.addSourceTo', { name: competitor.name })} onClick={() => setForm({ source: null, competitor: competitor.name })}><IconPlus size={14} /></Button>
                            </Group>
                          </Group>
                          {competitor.sources.map((source) => (
                            <NavLink
                              key={source.id}
                              active={source.id === selected}
                              onClick={() => open(source.id)}
                              leftSection={source.kind === 'FEED' ? <IconRss size={16} /> : <IconWorldWww size={16} />}
                              label={<Text size="sm" truncate="end">{source.url.replace(/^https?:\/\//, '')}</Text>}
                              rightSection={<SourceStatusBadge status={source.lastStatus} />}
                              style={{ borderRadius: 6 }}
                            />
                          ))}
                        </div>
                      ))}
                    </Stack>
                  </nav>
                </Card>
              </Grid.Col>
              <Grid.Col span={{ base: 12, md: 8 }}>
                {selected && sources.some((s) => s.id === selected) ? (
                  <SourceDetail key={selected} sourceId={selected} onEdit={(source) => setForm({ source, competitor: null })} onRemoved={() => setSelected(null)} />
                ) : null}
              </Grid.Col>
            </Grid>
          )}
        </Tabs.Panel>
        <Tabs.Panel value="alerts">
          <AlertsFeed highlight={highlight} onOpenSource={open} />
        </Tabs.Panel>
      </Tabs>
    </>
  );
}
