import { Badge, Button, Card, Code, Group, JsonInput, ScrollArea, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation } from '@apollo/client/react';
import { IconDeviceFloppy, IconLock, IconPencil, IconX } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../common/ErrorAlert.tsx';
import { LEVEL_COLORS } from './levels.ts';
import { PROMPTS_QUERY, SAVE_PROMPT_LAYER } from './prompts.graphql.ts';
import type { PromptLayer } from './prompts.graphql.ts';

function parseObject(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** One level's layer: read-only for everyone but its owners, who may save a new version. */
export function PromptLayerCard({ layer, onSaved }: { layer: PromptLayer; onSaved: (version: number) => void }) {
  const { t } = useTranslation();
  const [editing, setEditing] = useState(false);
  const [text, setText] = useState('');
  const [note, setNote] = useState('');
  const [save, { loading, error, reset }] = useMutation(SAVE_PROMPT_LAYER, { refetchQueries: [PROMPTS_QUERY], awaitRefetchQueries: true });
  const parsed = editing ? parseObject(text) : null;
  // Ancestors lie outside the viewer's scope: their names are not shown, their role is.
  const owner = layer.tenantName ?? t(`prompts.ancestors.${layer.level}`);
  const titleId = `prompt-layer-${layer.tenantId}`;

  const submit = async () => {
    if (!parsed) return;
    try {
      const result = await save({ variables: { locale: layer.locale, document: parsed, baseVersion: layer.version, note: note.trim() || null } });
      if (result.data) {
        setEditing(false);
        onSaved(result.data.savePromptLayer.version);
      }
    } catch {
      // Shown from `error`.
    }
  };

  return (
    <Card withBorder radius="md" padding="md" component="section" aria-labelledby={titleId}>
      <Group justify="space-between" mb="xs" wrap="nowrap" align="flex-start">
        <Stack gap={2}>
          <Group gap={6}>
            <Badge color={LEVEL_COLORS[layer.level]} variant="light" radius="sm">
              {t(`prompts.levels.${layer.level}`)}
            </Badge>
            <Title order={3} fz="md" id={titleId}>
              {owner}
            </Title>
          </Group>
          <Text size="xs" c="dimmed">
            {layer.version > 0 ? t('prompts.layerVersion', { version: layer.version }) : t('prompts.noLayer')}
            {layer.note ? ` · ${layer.note}` : ''}
          </Text>
        </Stack>
        {layer.editable ? (
          !editing ? (
            <Button
              size="compact-sm"
              variant="light"
              leftSection={<IconPencil size={14} />}
              aria-label={t('prompts.editLayer', { owner })}
              onClick={() => {
                reset();
                setText(JSON.stringify(layer.document, null, 2));
                setNote('');
                setEditing(true);
              }}
            >
              {t('prompts.edit')}
            </Button>
          ) : null
        ) : (
          <Badge variant="outline" color="gray" leftSection={<IconLock size={12} />} radius="sm" tt="none" style={{ flexShrink: 0 }}>
            {t('prompts.readOnly')}
          </Badge>
        )}
      </Group>
      {editing ? (
        <form
          onSubmit={(event) => {
            event.preventDefault();
            void submit();
          }}
        >
          <Stack gap="sm">
            <JsonInput
              label={t('prompts.document')}
              description={t('prompts.operatorsHelp')}
              value={text}
              onChange={(value) => {
                reset();
                setText(value);
              }}
              autosize
              minRows={10}
              maxRows={30}
              error={parsed ? undefined : t('prompts.invalidJson')}
              styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)', fontSize: 12 } }}
            />
            <TextInput label={t('prompts.note')} value={note} onChange={(e) => setNote(e.currentTarget.value)} maxLength={500} />
            {error ? <ErrorAlert error={error} title={t('prompts.saveFailed')} /> : null}
            <Group justify="flex-end" gap="sm">
              <Button variant="default" leftSection={<IconX size={14} />} onClick={() => setEditing(false)}>
                {t('prompts.cancel')}
              </Button>
              <Button type="submit" leftSection={<IconDeviceFloppy size={14} />} loading={loading} disabled={!parsed}>
                {t('prompts.save')}
              </Button>
            </Group>
          </Stack>
        </form>
      ) : Object.keys(layer.document).length > 0 ? (
        <ScrollArea.Autosize mah={340} type="auto">
          <Code block fz={11}>
            {JSON.stringify(layer.document, null, 2)}
          </Code>
        </ScrollArea.Autosize>
      ) : (
        <Text size="sm" c="dimmed">
          {t('prompts.emptyLayer')}
        </Text>
      )}
    </Card>
  );
}
