import { Alert, Badge, Button, Grid, Group, Modal, Stack, Text } from '@mantine/core';
import { useMutation, useQuery } from '@apollo/client/react';
import { IconArrowBackUp, IconCheck, IconInfoCircle, IconPencil } from '@tabler/icons-react';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSession } from '../modules/auth/useSession.ts';
import { BrandDiffView } from '../modules/brand/BrandDiffView.tsx';
import { BrandDnaEditor } from '../modules/brand/BrandDnaEditor.tsx';
import { BrandDnaSections } from '../modules/brand/BrandDnaSections.tsx';
import { BrandHistory } from '../modules/brand/BrandHistory.tsx';
import { BRAND_DNA_QUERY, RESTORE_BRAND_DNA } from '../modules/brand/brand.graphql.ts';
import { readBrandDna } from '../modules/brand/brand-dna-view.ts';
import { ErrorAlert } from '../modules/common/ErrorAlert.tsx';
import { PageHeader } from '../modules/common/PageHeader.tsx';
import { PageLoader } from '../modules/common/PageLoader.tsx';
import { formatDateTime } from '../modules/common/format.ts';

export function BrandPage() {
  const { t, i18n } = useTranslation();
  const { viewer } = useSession();
  const canWrite = viewer?.permissions.includes('brand:write') ?? false;
  const { data, loading, error, refetch } = useQuery(BRAND_DNA_QUERY, { variables: {} });
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [editing, setEditing] = useState(false);
  const [compare, setCompare] = useState<number[]>([]);
  const [comparing, setComparing] = useState<[number, number] | null>(null);
  const [restoring, setRestoring] = useState<number | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [restore, restoreState] = useMutation(RESTORE_BRAND_DNA, { refetchQueries: [BRAND_DNA_QUERY], awaitRefetchQueries: true });

  const latest = data?.brandDna ?? null;
  const history = data?.brandDnaHistory ?? [];
  const shown = history.find((s) => s.id === selectedId) ?? latest;
  const view = useMemo(() => (shown ? readBrandDna(shown.document) : null), [shown]);

  if (loading && !data) return <PageLoader />;
  if (error && !data) return <ErrorAlert error={error} onRetry={() => void refetch()} />;
  if (!latest || !shown || !view) {
    return (
      <>
        <PageHeader title={t('brand.title')} />
        <Alert variant="light" icon={<IconInfoCircle size={18} />} title={t('brand.emptyTitle')}>
          {t('brand.emptyBody')}
        </Alert>
      </>
    );
  }

  const toggleCompare = (version: number) =>
    setCompare((current) => (current.includes(version) ? current.filter((v) => v !== version) : [...current, version].slice(-2)));
  const confirmRestore = async () => {
    if (restoring === null) return;
    try {
      const result = await restore({ variables: { version: restoring } });
      if (result.data) {
        setDone(t('brand.restore.done', { version: result.data.restoreBrandDna.version, from: restoring }));
        setSelectedId(null);
      }
      setRestoring(null);
    } catch {
      // Shown in the dialog from restoreState.error.
    }
  };

  return (
    <>
      <PageHeader
        title={view.name ?? t('brand.title')}
        description={view.tagline ?? t('brand.subtitle')}
        badge={
          <Badge size="lg" variant="light" radius="sm">
            {t('brand.version', { version: shown.version })}
          </Badge>
        }
        actions={
          canWrite && !editing ? (
            <Button
              leftSection={<IconPencil size={16} />}
              onClick={() => {
                setDone(null);
                setSelectedId(null);
                setEditing(true);
              }}
            >
              {t('brand.edit.action')}
            </Button>
          ) : undefined
        }
      />
      {done ? (
        <Group gap={6} mb="md" role="status">
          <IconCheck size={16} color="var(--mantine-color-teal-7)" aria-hidden="true" />
          <Text size="sm" c="teal.8">
            {done}
          </Text>
        </Group>
      ) : null}
      {shown.id !== latest.id && !editing ? (
        <Alert variant="light" color="yellow" mb="lg" icon={<IconInfoCircle size={18} />}>
          {t('brand.viewingOld', { version: shown.version, latest: latest.version })}
        </Alert>
      ) : null}
      {!editing ? (
        <Group gap="xs" mb="md">
          <Text size="sm" c="dimmed">
            {t('brand.recordedAt', { date: formatDateTime(shown.createdAt, i18n.language) })}
          </Text>
          {shown.note ? (
            <Text size="sm" c="dimmed">
              · {shown.note}
            </Text>
          ) : null}
        </Group>
      ) : null}
      <Grid gap="lg">
        <Grid.Col span={{ base: 12, lg: 9 }}>
          <Stack gap="lg">
            {comparing ? <BrandDiffView fromVersion={comparing[0]} toVersion={comparing[1]} onClose={() => setComparing(null)} /> : null}
            {editing ? (
              <BrandDnaEditor
                key={latest.id}
                snapshot={latest}
                onCancel={() => {
                  setEditing(false);
                  void refetch();
                }}
                onSaved={(saved) => {
                  setEditing(false);
                  setDone(t('brand.edit.saved', { version: saved.version }));
                }}
              />
            ) : (
              <BrandDnaSections view={view} />
            )}
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 3 }}>
          <BrandHistory
            history={history}
            selectedId={shown.id}
            latestId={latest.id}
            onSelect={(id) => {
              if (!editing) setSelectedId(id);
            }}
            compare={compare}
            onToggleCompare={toggleCompare}
            onCompare={() => {
              const [a, b] = [...compare].sort((x, y) => x - y) as [number, number];
              setComparing([a, b]);
            }}
            onRestore={canWrite && !editing ? (version) => setRestoring(version) : undefined}
          />
        </Grid.Col>
      </Grid>
      <Modal opened={restoring !== null} onClose={() => setRestoring(null)} title={t('brand.restore.title', { version: restoring ?? 0 })} centered>
        <Stack gap="md">
          <Text size="sm">{t('brand.restore.body', { version: restoring ?? 0, next: latest.version + 1 })}</Text>
          {restoreState.error ? <ErrorAlert error={restoreState.error} /> : null}
          <Group justify="flex-end" gap="sm">
            <Button variant="default" onClick={() => setRestoring(null)}>
              {t('brand.edit.cancel')}
            </Button>
            <Button leftSection={<IconArrowBackUp size={16} />} loading={restoreState.loading} onClick={() => void confirmRestore()}>
              {t('brand.restore.confirm')}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}
