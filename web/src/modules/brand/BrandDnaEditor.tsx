import { Alert, Button, Card, Grid, Group, JsonInput, MultiSelect, NumberInput, Select, Stack, Tabs, TagsInput, Text, TextInput, Textarea, Title } from '@mantine/core';
import { useMutation } from '@apollo/client/react';
import { IconBraces, IconDeviceFloppy, IconForms, IconX } from '@tabler/icons-react';
import { useMemo, useState } from 'react';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { describeError } from '../../apollo/errors.ts';
import { ErrorAlert } from '../common/ErrorAlert.tsx';
import { BRAND_DNA_QUERY, UPDATE_BRAND_DNA } from './brand.graphql.ts';
import type { BrandDnaSnapshot, BrandDnaWrite } from './brand.graphql.ts';
import { linesToList, listOf, parseDocument, setPath, textOf } from './brand-dna-form.ts';
import type { DnaDocument } from './brand-dna-form.ts';

const CHANNELS = ['blog', 'landing_page', 'linkedin', 'facebook', 'instagram', 'x', 'google_business', 'newsletter', 'email', 'sms'] as const;

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <Card withBorder radius="md" padding="lg" component="fieldset" style={{ margin: 0 }}>
      <Title order={2} fz="lg" mb="md" component="legend" style={{ padding: 0, float: 'left', width: '100%' }}>
        {title}
      </Title>
      <Stack gap="md" style={{ clear: 'both' }}>
        {children}
      </Stack>
    </Card>
  );
}

/** Edit mode of the brand page: form sections for the common fields, the whole document as JSON for the rest. */
export function BrandDnaEditor({ snapshot, onSaved, onCancel }: { snapshot: BrandDnaSnapshot; onSaved: (saved: BrandDnaWrite) => void; onCancel: () => void }) {
  const { t } = useTranslation();
  const [draft, setDraft] = useState<DnaDocument>(() => structuredClone(snapshot.document));
  const [tab, setTab] = useState<string>('form');
  const [jsonText, setJsonText] = useState('');
  const [jsonError, setJsonError] = useState<string | null>(null);
  const [note, setNote] = useState('');
  const [save, { loading, error, reset }] = useMutation(UPDATE_BRAND_DNA, { refetchQueries: [BRAND_DNA_QUERY], awaitRefetchQueries: true });

  const problem = error ? describeError(error) : null;
  const fieldError = (path: string) => (problem?.field === path ? (problem.detail ?? t('errors.badInput')) : undefined);
  const formFields = useMemo(() => new Set(['identity.name', 'identity.tagline', 'identity.location', 'identity.website', 'identity.founded', 'identity.story', 'mission', 'values', 'tone.address', 'tone.voice', 'tone.do', 'tone.dont', 'vocabulary.use', 'vocabulary.avoid', 'keywords', 'proof_points', 'channels', 'locale']), []);
  const shownOnForm = problem?.field ? formFields.has(problem.field) && tab === 'form' : false;

  const update = (path: string, value: unknown) => {
    reset();
    setDraft((current) => setPath(current, path, value));
  };
  const text = (path: string, label: string, extra: { required?: boolean; description?: string } = {}) => (
    <TextInput label={label} value={textOf(draft, path)} onChange={(e) => update(path, e.currentTarget.value)} error={fieldError(path)} {...extra} />
  );
  const lines = (path: string, label: string, description: string) => (
    <Textarea
      label={label}
      description={description}
      autosize
      minRows={2}
      maxRows={8}
      value={listOf(draft, path).join('\n')}
      onChange={(e) => update(path, e.currentTarget.value.split('\n'))}
      onBlur={(e) => update(path, linesToList(e.currentTarget.value))}
      error={fieldError(path)}
    />
  );
  const tags = (path: string, label: string) => (
    <TagsInput label={label} description={t('brand.edit.tagsHelp')} value={listOf(draft, path)} onChange={(value) => update(path, value)} error={fieldError(path)} clearable />
  );

  const switchTab = (next: string | null) => {
    if (!next || next === tab) return;
    if (next === 'json') {
      setJsonText(JSON.stringify(draft, null, 2));
      setJsonError(null);
    }
    // Leaving the JSON view keeps the last valid document it held.
    if (tab === 'json' && jsonError) return;
    setTab(next);
  };

  const onJson = (value: string) => {
    reset();
    setJsonText(value);
    const parsed = parseDocument(value);
    if ('document' in parsed) {
      setDraft(parsed.document);
      setJsonError(null);
    } else {
      setJsonError(parsed.error === 'not-an-object' ? t('brand.edit.jsonNotObject') : t('brand.edit.jsonInvalid'));
    }
  };

  const submit = async () => {
    // Lines typed but not yet blurred still count.
    const cleaned = structuredClone(draft);
    let document = cleaned;
    for (const path of ['values', 'tone.do', 'tone.dont', 'proof_points']) document = setPath(document, path, linesToList(listOf(cleaned, path).join('\n')));
    setDraft(document);
    try {
      const { data } = await save({ variables: { document, note: note.trim() || null, baseVersion: snapshot.version } });
      if (data) onSaved(data.updateBrandDna);
    } catch {
      // Shown from `error` below.
    }
  };

  return (
    <form
      aria-label={t('brand.edit.title')}
      onSubmit={(event) => {
        event.preventDefault();
        void submit();
      }}
    >
      <Stack gap="lg">
        <Card withBorder radius="md" padding="md">
          <Group justify="space-between" align="flex-end" wrap="wrap" gap="md">
            <TextInput
              label={t('brand.edit.note')}
              placeholder={t('brand.edit.notePlaceholder')}
              value={note}
              onChange={(e) => setNote(e.currentTarget.value)}
              maxLength={500}
              style={{ flex: 1, minWidth: 240 }}
              error={fieldError('note')}
            />
            <Group gap="sm">
              <Button variant="default" leftSection={<IconX size={16} />} onClick={onCancel}>
                {t('brand.edit.cancel')}
              </Button>
              <Button type="submit" leftSection={<IconDeviceFloppy size={16} />} loading={loading} disabled={Boolean(jsonError)}>
                {t('brand.edit.save')}
              </Button>
            </Group>
          </Group>
          <Text size="xs" c="dimmed" mt="xs">
            {t('brand.edit.baseVersion', { version: snapshot.version })}
          </Text>
        </Card>
        {error && !shownOnForm ? (
          problem?.code === 'CONFLICT' ? (
            <Alert color="orange" variant="light" role="alert" title={t('brand.edit.conflictTitle')}>
              {problem.detail}
              <Button variant="subtle" color="orange" size="compact-sm" ml="sm" onClick={onCancel}>
                {t('brand.edit.reload')}
              </Button>
            </Alert>
          ) : (
            <ErrorAlert error={error} title={t('brand.edit.saveFailed')} />
          )
        ) : null}
        <Tabs value={tab} onChange={switchTab} keepMounted={false}>
          <Tabs.List mb="md">
            <Tabs.Tab value="form" leftSection={<IconForms size={16} />}>
              {t('brand.edit.formTab')}
            </Tabs.Tab>
            <Tabs.Tab value="json" leftSection={<IconBraces size={16} />}>
              {t('brand.edit.jsonTab')}
            </Tabs.Tab>
          </Tabs.List>
          <Tabs.Panel value="form">
            <Stack gap="lg">
              <Section title={t('brand.sections.identity')}>
                <Grid gap="md">
                  <Grid.Col span={{ base: 12, md: 6 }}>{text('identity.name', t('brand.edit.name'), { required: true })}</Grid.Col>
                  <Grid.Col span={{ base: 12, md: 6 }}>{text('identity.tagline', t('brand.edit.tagline'))}</Grid.Col>
                  <Grid.Col span={{ base: 12, md: 6 }}>{text('identity.location', t('brand.fields.location'))}</Grid.Col>
                  <Grid.Col span={{ base: 12, md: 4 }}>{text('identity.website', t('brand.fields.website'))}</Grid.Col>
                  <Grid.Col span={{ base: 12, md: 2 }}>
                    <NumberInput
                      label={t('brand.fields.founded')}
                      value={textOf(draft, 'identity.founded')}
                      onChange={(value) => update('identity.founded', typeof value === 'number' ? value : undefined)}
                      allowDecimal={false}
                      error={fieldError('identity.founded')}
                    />
                  </Grid.Col>
                </Grid>
                <Textarea label={t('brand.fields.story')} autosize minRows={2} maxRows={6} value={textOf(draft, 'identity.story')} onChange={(e) => update('identity.story', e.currentTarget.value)} error={fieldError('identity.story')} />
                <Textarea label={t('brand.mission')} autosize minRows={2} maxRows={4} value={textOf(draft, 'mission')} onChange={(e) => update('mission', e.currentTarget.value)} error={fieldError('mission')} />
                {lines('values', t('brand.sections.values'), t('brand.edit.linesHelp'))}
              </Section>
              <Section title={t('brand.sections.tone')}>
                <Grid gap="md">
                  <Grid.Col span={{ base: 12, md: 4 }}>
                    <Select
                      label={t('brand.address')}
                      data={[
                        { value: 'vous', label: t('brand.addressValues.vous') },
                        { value: 'tu', label: t('brand.addressValues.tu') },
                        { value: 'you', label: t('brand.edit.addressYou') },
                      ]}
                      value={textOf(draft, 'tone.address') || null}
                      onChange={(value) => update('tone.address', value ?? undefined)}
                      clearable
                      error={fieldError('tone.address') ?? fieldError('tone')}
                    />
                  </Grid.Col>
                  <Grid.Col span={{ base: 12, md: 8 }}>{tags('tone.voice', t('brand.edit.voice'))}</Grid.Col>
                </Grid>
                {lines('tone.do', t('brand.toneDo'), t('brand.edit.linesHelp'))}
                {lines('tone.dont', t('brand.toneDont'), t('brand.edit.linesHelp'))}
              </Section>
              <Section title={t('brand.sections.vocabulary')}>
                {tags('vocabulary.use', t('brand.use'))}
                {tags('vocabulary.avoid', t('brand.avoid'))}
              </Section>
              <Section title={t('brand.edit.reach')}>
                {lines('proof_points', t('brand.sections.proofPoints'), t('brand.edit.linesHelp'))}
                {tags('keywords', t('brand.sections.keywords'))}
                <Grid gap="md">
                  <Grid.Col span={{ base: 12, md: 9 }}>
                    <MultiSelect
                      label={t('brand.sections.channels')}
                      data={CHANNELS.map((c) => ({ value: c, label: t(`channels.${c.toUpperCase() as Uppercase<(typeof CHANNELS)[number]>}`) }))}
                      value={listOf(draft, 'channels')}
                      onChange={(value) => update('channels', value)}
                      error={fieldError('channels')}
                    />
                  </Grid.Col>
                  <Grid.Col span={{ base: 12, md: 3 }}>{text('locale', t('brand.edit.locale'), { required: true, description: t('brand.edit.localeHelp') })}</Grid.Col>
                </Grid>
              </Section>
              <Text size="sm" c="dimmed">
                {t('brand.edit.advancedHint')}
              </Text>
            </Stack>
          </Tabs.Panel>
          <Tabs.Panel value="json">
            <JsonInput
              label={t('brand.edit.jsonLabel')}
              description={t('brand.edit.jsonHelp')}
              value={jsonText}
              onChange={onJson}
              autosize
              minRows={16}
              maxRows={40}
              error={jsonError ?? (problem?.field && !shownOnForm ? problem.detail : undefined)}
              styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)', fontSize: 13 } }}
            />
          </Tabs.Panel>
        </Tabs>
      </Stack>
    </form>
  );
}
