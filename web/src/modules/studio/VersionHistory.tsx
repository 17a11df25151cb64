import { Badge, Box, Button, Card, Center, Drawer, Group, Loader, ScrollArea, Stack, Text, Title, UnstyledButton } from '@mantine/core';
import { useMutation, useQuery } from '@apollo/client/react';
import { IconHistory, IconRobot, IconUser } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../common/ErrorAlert.tsx';
import { formatDateTime } from '../common/format.ts';
import { CONTENT_VERSIONS_QUERY, CONTENT_VERSION_DIFF_QUERY, RESTORE_VERSION_MUTATION } from './studio.graphql.ts';
import type { ContentItem, ContentVersionDiff } from './studio.graphql.ts';

type Part = ContentVersionDiff['body'][number];

/** Insertions on green, deletions struck through on red; equal text as it is. */
function DiffText({ parts }: { parts: Part[] }) {
  return (
    <Box component="div" style={{ whiteSpace: 'pre-wrap', fontFamily: 'var(--mantine-font-family-monospace)', fontSize: 13, lineHeight: 1.6 }}>
      {parts.map((part, i) =>
        part.kind === 'INSERT' ? (
          <ins key={i} data-diff="insert" style={{ background: 'var(--mantine-color-teal-1)', color: 'var(--mantine-color-teal-9)', textDecoration: 'none' }}>
            {part.text}
          </ins>
        ) : part.kind === 'DELETE' ? (
          <del key={i} data-diff="delete" style={{ background: 'var(--mantine-color-red-1)', color: 'var(--mantine-color-red-9)' }}>
            {part.text}
          </del>
        ) : (
          <span key={i}>{part.text}</span>
        ),
      )}
    </Box>
  );
}

/** C1: every version of the item, a word diff against the current one, restore as a new version. */
export function VersionHistory({ item, currentVersion, opened, onClose, onRestored }: { item: ContentItem; currentVersion: number; opened: boolean; onClose: () => void; onRestored: (item: ContentItem, from: number) => void }) {
  const { t, i18n } = useTranslation();
  const versions = useQuery(CONTENT_VERSIONS_QUERY, { variables: { itemId: item.id }, skip: !opened, fetchPolicy: 'network-only' });
  const [selected, setSelected] = useState<number | null>(null);
  useEffect(() => {
    if (!opened) setSelected(null);
  }, [opened]);
  const list = versions.data?.contentVersions ?? [];
  const from = selected ?? list.find((v) => v.version !== currentVersion)?.version ?? null;
  const diff = useQuery(CONTENT_VERSION_DIFF_QUERY, {
    variables: { itemId: item.id, from: from ?? 1, to: currentVersion },
    skip: !opened || from === null || from === currentVersion,
    fetchPolicy: 'network-only',
  });
  const [restore, restoring] = useMutation(RESTORE_VERSION_MUTATION);
  const d = diff.data?.contentVersionDiff;
  const unchanged = d ? d.title.every((p) => p.kind === 'EQUAL') && d.body.every((p) => p.kind === 'EQUAL') : false;

  return (
    <Drawer opened={opened} onClose={onClose} position="right" size="xl" title={<Group gap="xs"><IconHistory size={18} /><Title order={2} fz="lg">{t('studioAi.history.title')}</Title></Group>}>
      {versions.error ? <ErrorAlert error={versions.error} title={t('studioAi.history.failed')} onRetry={() => void versions.refetch()} /> : null}
      {versions.loading && list.length === 0 ? (
        <Center mih={160}>
          <Loader size="sm" />
        </Center>
      ) : null}
      <Stack gap="lg">
        <Stack component="ul" gap="xs" m={0} p={0} aria-label={t('studioAi.history.title')}>
          {list.map((v) => {
            const active = v.version === from;
            const current = v.version === currentVersion;
            return (
              <li key={v.version} style={{ listStyle: 'none' }}>
                <UnstyledButton onClick={() => setSelected(v.version)} disabled={current} style={{ width: '100%' }} aria-pressed={active}>
                  <Card withBorder radius="sm" padding="sm" style={{ borderColor: active ? 'var(--mantine-color-blue-5)' : undefined }}>
                    <Group justify="space-between" wrap="nowrap" align="flex-start">
                      <Stack gap={2} style={{ minWidth: 0 }}>
                        <Group gap="xs">
                          <Text fw={600} size="sm">
                            {t('studioAi.history.version', { version: v.version })}
                          </Text>
                          {current ? (
                            <Badge size="xs" variant="light">
                              {t('studioAi.history.current')}
                            </Badge>
                          ) : null}
                        </Group>
                        <Group gap={6} c="dimmed">
                          {v.model ? <IconRobot size={14} aria-hidden="true" /> : <IconUser size={14} aria-hidden="true" />}
                          <Text size="xs">
                            {v.model ? t('studioAi.history.model', { model: v.model }) : v.restoredFrom ? t('studioAi.history.restoredFrom', { version: v.restoredFrom }) : t('studioAi.history.human')}
                            {' · '}
                            {formatDateTime(v.createdAt, i18n.language)}
                            {' · '}
                            {t('studioAi.history.words', { count: v.words })}
                          </Text>
                        </Group>
                        <Text size="xs" truncate="end">
                          {v.title}
                        </Text>
                      </Stack>
                      {v.credits > 0 ? (
                        <Badge color="grape" variant="light" size="sm" style={{ flexShrink: 0 }}>
                          {t('studioAi.history.credits', { count: v.credits })}
                        </Badge>
                      ) : null}
                    </Group>
                  </Card>
                </UnstyledButton>
              </li>
            );
          })}
        </Stack>

        {from !== null && from !== currentVersion ? (
          <Card withBorder radius="md" padding="md" component="section" aria-label={t('studioAi.history.diffTitle', { from, to: currentVersion })}>
            <Group justify="space-between" mb="sm">
              <Text fw={600} size="sm">
                {t('studioAi.history.diffTitle', { from, to: currentVersion })}
              </Text>
              {d ? (
                <Group gap={6}>
                  <Badge color="teal" variant="light" size="sm">
                    {t('studioAi.history.inserted', { count: d.insertedWords })}
                  </Badge>
                  <Badge color="red" variant="light" size="sm">
                    {t('studioAi.history.deleted', { count: d.deletedWords })}
                  </Badge>
                </Group>
              ) : null}
            </Group>
            {diff.error ? <ErrorAlert error={diff.error} /> : null}
            {diff.loading && !d ? <Loader size="sm" /> : null}
            {d ? (
              <ScrollArea.Autosize mah="50vh" type="auto" offsetScrollbars>
                <Stack gap="sm">
                  {unchanged ? <Text size="sm" c="dimmed">{t('studioAi.history.noChanges')}</Text> : null}
                  <div>
                    <Text size="xs" tt="uppercase" fw={700} c="dimmed" mb={4}>
                      {t('studioAi.history.titleLabel')}
                    </Text>
                    <DiffText parts={d.title} />
                  </div>
                  <div>
                    <Text size="xs" tt="uppercase" fw={700} c="dimmed" mb={4}>
                      {t('studioAi.history.bodyLabel')}
                    </Text>
                    <DiffText parts={d.body} />
                  </div>
                </Stack>
              </ScrollArea.Autosize>
            ) : null}
            {restoring.error ? <ErrorAlert error={restoring.error} /> : null}
            <Button
              mt="md"
              variant="light"
              loading={restoring.loading}
              onClick={() => {
                void restore({ variables: { itemId: item.id, version: from } })
                  .then((result) => {
                    const next = result.data?.restoreContentVersion;
                    if (next) {
                      setSelected(null);
                      void versions.refetch();
                      onRestored(next, from);
                    }
                  })
                  .catch(() => undefined);
              }}
            >
              {t('studioAi.history.restore', { version: from })}
            </Button>
          </Card>
        ) : null}
      </Stack>
    </Drawer>
  );
}
