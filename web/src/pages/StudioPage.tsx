import { Badge, Button, Menu } from '@mantine/core';
import { useMutation, useQuery } from '@apollo/client/react';
import { IconChevronDown, IconPlus, IconSparkles } from '@tabler/icons-react';
import { useEffect, useRef, useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { useSession } from '../modules/auth/useSession.ts';
import { ErrorAlert } from '../modules/common/ErrorAlert.tsx';
import { PageHeader } from '../modules/common/PageHeader.tsx';
import { PageLoader } from '../modules/common/PageLoader.tsx';
import { formatDateTime } from '../modules/common/format.ts';
import { DraftEditor } from '../modules/studio/DraftEditor.tsx';
import { GeneratePanel } from '../modules/studio/GeneratePanel.tsx';
import { CONTENT_ITEM_QUERY, CREATE_DRAFT_MUTATION, RECENT_ITEMS_QUERY } from '../modules/studio/studio.graphql.ts';

/** Drafts are looked for among this many latest items (pipeline runs add many non-draft items). */
const RECENT_LIMIT = 100;
const EDITABLE = new Set(['DRAFT', 'IN_REVIEW', 'APPROVED', 'REJECTED']);

/** /studio and /studio/new: open the latest draft (only /studio) or create one, then move to its own address. */
export function StudioStartPage({ forceNew }: { forceNew: boolean }) {
  const { t, i18n } = useTranslation();
  const { viewer } = useSession();
  const navigate = useNavigate();
  const recent = useQuery(RECENT_ITEMS_QUERY, { variables: { limit: RECENT_LIMIT }, fetchPolicy: 'network-only', skip: forceNew });
  const [createDraft] = useMutation(CREATE_DRAFT_MUTATION);
  const [error, setError] = useState<unknown>(null);
  const started = useRef(false);

  useEffect(() => {
    if (started.current || (!forceNew && recent.loading)) return;
    started.current = true;
    const latestDraft = forceNew ? undefined : recent.data?.contentItems.filter((item) => item.status === 'DRAFT').sort((a, b) => b.updatedAt.localeCompare(a.updatedAt))[0];
    if (latestDraft) {
      void navigate(`/studio/${latestDraft.id}`, { replace: true });
      return;
    }
    const locale = viewer?.tenant.locale ?? i18n.language;
    createDraft({ variables: { input: { channel: 'BLOG', title: t('studio.untitled'), body: '', locale } } })
      .then((result) => {
        const id = result.data?.createDraft.id;
        if (id) void navigate(`/studio/${id}`, { replace: true });
      })
      .catch(setError);
  }, [forceNew, recent.loading, recent.data, createDraft, navigate, t, viewer, i18n.language]);

  if (error) {
    return (
      <>
        <PageHeader title={t('studio.title')} />
        <ErrorAlert error={error} title={t('studio.createFailed')} />
      </>
    );
  }
  return <PageLoader />;
}

export function StudioPage() {
  const { t, i18n } = useTranslation();
  const { itemId = '' } = useParams();
  const navigate = useNavigate();
  const { viewer } = useSession();
  const [generating, setGenerating] = useState(false);
  const { data, loading, error, refetch } = useQuery(CONTENT_ITEM_QUERY, { variables: { id: itemId }, fetchPolicy: 'network-only' });
  const recent = useQuery(RECENT_ITEMS_QUERY, { variables: { limit: RECENT_LIMIT }, fetchPolicy: 'cache-and-network' });

  const item = data?.contentItem;
  // Anything still being written or reviewed can be opened here, generated items included.
  const others = (recent.data?.contentItems ?? []).filter((other) => other.id !== itemId && EDITABLE.has(other.status)).slice(0, 10);

  return (
    <>
      <PageHeader
        title={t('studio.title')}
        description={t('studio.subtitle')}
        badge={item ? <Badge variant="outline" radius="sm">{t(`contentStatus.${item.status}`)}</Badge> : undefined}
        actions={
          <>
            <Menu position="bottom-end" width={320} shadow="md">
              <Menu.Target>
                <Button variant="default" rightSection={<IconChevronDown size={14} />} disabled={others.length === 0}>
                  {t('studio.openDraft')}
                </Button>
              </Menu.Target>
              <Menu.Dropdown>
                {others.map((other) => (
                  <Menu.Item key={other.id} onClick={() => void navigate(`/studio/${other.id}`)}>
                    {other.title || t('studio.untitled')}
                    <br />
                    <span style={{ fontSize: 12, color: 'var(--mantine-color-dimmed)' }}>
                      {t(`channels.${other.channel}`)} · {t(`contentStatus.${other.status}`)} · {formatDateTime(other.updatedAt, i18n.language)}
                    </span>
                  </Menu.Item>
                ))}
              </Menu.Dropdown>
            </Menu>
            <Button variant="default" leftSection={<IconPlus size={16} />} onClick={() => void navigate('/studio/new')}>
              {t('studio.newDraft')}
            </Button>
            <Button leftSection={<IconSparkles size={16} />} onClick={() => setGenerating(true)}>
              {t('studioAi.generate.open')}
            </Button>
          </>
        }
      />
      <GeneratePanel
        opened={generating}
        onClose={() => setGenerating(false)}
        locale={viewer?.tenant.locale ?? i18n.language}
        onGenerated={(generated) => {
          setGenerating(false);
          void navigate(`/studio/${generated.id}`);
        }}
      />
      {loading && !item ? <PageLoader /> : null}
      {error && !item ? <ErrorAlert error={error} onRetry={() => void refetch()} /> : null}
      {/* Keyed by id: another draft starts a fresh editor and a fresh live-score subscription. */}
      {item ? <DraftEditor key={item.id} item={item} /> : null}
    </>
  );
}
