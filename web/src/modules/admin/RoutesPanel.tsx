import { ActionIcon, Alert, Badge, Button, Card, Group, NavLink, Select, Stack, Text, Title } from '@mantine/core';
import { useMutation, useQuery } from '@apollo/client/react';
import { IconArrowDown, IconArrowUp, IconInfoCircle, IconX } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../common/ErrorAlert.tsx';
import { PageLoader } from '../common/PageLoader.tsx';
import { AI_ROUTES_QUERY, AI_TASKS, SET_ROUTE_MUTATION, type AiModel, type AiTask } from './ai-admin.graphql.ts';
import { canServe, move, removeAt, sameChain, skipReason } from './route-chain.ts';

const REASON_KEY = { inactive: 'reasonInactive', providerInactive: 'reasonProviderInactive', noKey: 'reasonNoKey' } as const;

function ChainEditor({ task, saved, models }: { task: AiTask; saved: string[]; models: AiModel[] }) {
  const { t } = useTranslation();
  const [chain, setChain] = useState<string[]>(saved);
  const [done, setDone] = useState(false);
  const [save, { loading, error, reset }] = useMutation(SET_ROUTE_MUTATION, { refetchQueries: [AI_ROUTES_QUERY], awaitRefetchQueries: true });
  const byId = new Map(models.map((m) => [m.id, m]));
  const candidates = models.filter((m) => canServe(m, task) && !chain.includes(m.id));
  const taskLabel = t(`aiAdmin.tasks.${task}`);
  const edit = (next: string[]) => {
    setChain(next);
    setDone(false);
    reset();
  };
  const endsOffline = chain.length > 0 && byId.get(chain[chain.length - 1]!)?.provider.kind === 'OFFLINE';

  return (
    <Card withBorder radius="md" padding="lg" component="section" aria-labelledby={`route-${task}`}>
      <Title order={2} fz="lg" id={`route-${task}`}>{t('aiAdmin.routes.chain', { task: taskLabel })}</Title>
      <Text size="sm" c="dimmed" mt={4} mb="md">{t('aiAdmin.routes.chainHint')}</Text>
      {chain.length === 0 ? <Text size="sm" c="dimmed">{t('aiAdmin.routes.empty')}</Text> : null}
      <Stack gap="xs" component="ol" style={{ listStyle: 'none', padding: 0, margin: 0 }} aria-label={t('aiAdmin.routes.chain', { task: taskLabel })}>
        {chain.map((id, index) => {
          const model = byId.get(id);
          const reason = model ? skipReason(model) : null;
          return (
            <Group key={id} component="li" justify="space-between" wrap="nowrap" p="xs"
              style={{ border: '1px solid var(--mantine-color-gray-3)', borderRadius: 8 }}>
              <Group gap="sm" wrap="nowrap">
                <Badge circle size="lg" variant={index === 0 ? 'filled' : 'light'}>{index + 1}</Badge>
                <div>
                  <Text fw={600} size="sm">{model?.name ?? id}</Text>
                  <Text size="xs" c="dimmed">{model?.provider.name}</Text>
                </div>
                {model ? <Badge size="xs" variant="light" color={model.tier === 'PREMIUM' ? 'grape' : 'gray'}>{t(`aiAdmin.tiers.${model.tier}`)}</Badge> : null}
                {reason ? <Badge size="xs" color="orange" variant="light" tt="none">{t('aiAdmin.routes.skipped', { reason: t(`aiAdmin.routes.${REASON_KEY[reason]}`) })}</Badge> : null}
              </Group>
              <Group gap={4} wrap="nowrap">
                <ActionIcon variant="subtle" disabled={index === 0} onClick={() => edit(move(chain, index, -1))} aria-label={t('aiAdmin.routes.moveUp', { name: model?.name ?? id })}>
                  <IconArrowUp size={16} />
                </ActionIcon>
                <ActionIcon variant="subtle" disabled={index === chain.length - 1} onClick={() => edit(move(chain, index, 1))} aria-label={t('aiAdmin.routes.moveDown', { name: model?.name ?? id })}>
                  <IconArrowDown size={16} />
                </ActionIcon>
                <ActionIcon variant="subtle" color="red" onClick={() => edit(removeAt(chain, index))} aria-label={t('aiAdmin.routes.remove', { name: model?.name ?? id })}>
                  <IconX size={16} />
                </ActionIcon>
              </Group>
            </Group>
          );
        })}
      </Stack>
      <Group mt="md" align="flex-end">
        <Select
          label={t('aiAdmin.routes.add')}
          placeholder={t('aiAdmin.routes.addPlaceholder')}
          data={candidates.map((m) => ({ value: m.id, label: `${m.name} · ${m.provider.name}` }))}
          value={null}
          onChange={(id) => { if (id) edit([...chain, id]); }}
          searchable
          w={340}
          disabled={candidates.length === 0}
        />
      </Group>
      {!endsOffline && chain.length > 0 ? (
        <Alert mt="md" color="yellow" variant="light" icon={<IconInfoCircle size={18} />}>{t('aiAdmin.routes.offlineHint')}</Alert>
      ) : null}
      <ErrorAlert error={error} />
      <Group mt="md" justify="flex-end">
        {done ? <Text size="sm" c="teal" role="status">{t('aiAdmin.saved')}</Text> : null}
        <Button variant="default" disabled={sameChain(chain, saved)} onClick={() => edit(saved)}>{t('aiAdmin.routes.reset')}</Button>
        <Button loading={loading} disabled={chain.length === 0 || sameChain(chain, saved)}
          onClick={() => void save({ variables: { task, modelIds: chain } }).then(() => setDone(true)).catch(() => undefined)}>
          {t('aiAdmin.routes.saveRoute')}
        </Button>
      </Group>
    </Card>
  );
}

export function RoutesPanel() {
  const { t } = useTranslation();
  const [task, setTask] = useState<AiTask>('GENERATION');
  const { data, loading, error, refetch } = useQuery(AI_ROUTES_QUERY, { fetchPolicy: 'cache-and-network' });
  if (loading && !data) return <PageLoader />;
  if (!data) return <ErrorAlert error={error} onRetry={() => void refetch()} />;
  const saved = data.aiRoutes.find((r) => r.task === task)?.models.map((m) => m.id) ?? [];
  return (
    <Group align="flex-start" wrap="nowrap" gap="lg">
      <Card withBorder radius="md" padding="xs" w={220} component="nav" aria-label={t('aiAdmin.routes.task')}>
        {AI_TASKS.map((candidate) => (
          <NavLink key={candidate} active={candidate === task} label={t(`aiAdmin.tasks.${candidate}`)} onClick={() => setTask(candidate)}
            description={t('aiAdmin.routes.count', { count: data.aiRoutes.find((r) => r.task === candidate)?.models.length ?? 0 })} component="button" />
        ))}
      </Card>
      <div style={{ flex: 1 }}>
        <ChainEditor key={task} task={task} saved={saved} models={data.aiModels} />
      </div>
    </Group>
  );
}
