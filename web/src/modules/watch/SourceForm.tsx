import { Alert, Badge, Button, Card, Group, Modal, NumberInput, SegmentedControl, Select, SimpleGrid, Stack, Switch, Table, Text, TextInput } from '@mantine/core';
import { useMutation } from '@apollo/client/react';
import { IconFlask } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../common/ErrorAlert.tsx';
import { ADD_SOURCE_MUTATION, COMPETITORS_QUERY, PREVIEW_SOURCE_MUTATION, UPDATE_SOURCE_MUTATION } from './watch.graphql.ts';
import type { Preview, Selectors, Source, SourceKind } from './watch.graphql.ts';
import { formatMoney } from './price.ts';

const INTERVALS = [15, 60, 360, 1440, 10080];

interface FormState {
  competitorName: string;
  website: string;
  kind: SourceKind;
  url: string;
  item: string;
  name: string;
  price: string;
  text: string;
  currency: string | null;
  intervalMinutes: number;
  threshold: number;
  active: boolean;
}

function initial(source: Source | null, competitorName: string | null): FormState {
  return {
    competitorName: source?.competitor.name ?? competitorName ?? '',
    website: '',
    kind: source?.kind ?? 'PAGE',
    url: source?.url ?? '',
    item: source?.selectors.item ?? '',
    name: source?.selectors.name ?? '',
    price: source?.selectors.price ?? '',
    text: source?.selectors.text ?? '',
    currency: source?.selectors.currency ?? null,
    intervalMinutes: source?.intervalMinutes ?? 1440,
    threshold: source?.priceThresholdPercent ?? 5,
    active: source?.active ?? true,
  };
}

function selectorsOf(form: FormState): Partial<Selectors> | null {
  if (form.kind === 'FEED') return null;
  const s = { item: form.item.trim() || null, name: form.name.trim() || null, price: form.price.trim() || null, text: form.text.trim() || null, currency: form.currency };
  return s;
}

function PreviewResult({ preview }: { preview: Preview }) {
  const { t, i18n } = useTranslation();
  if (preview.error) return <Alert color="red" variant="light" role="alert" title={t('watch.preview.failed')}>{preview.error}</Alert>;
  return (
    <Card withBorder radius="md" padding="md" aria-label={t('watch.preview.title')}>
      <Stack gap="xs">
        <Group gap="xs">
          <Text fw={600} size="sm">{t('watch.preview.title')}</Text>
          <Badge variant="light" color="teal">HTTP {preview.httpStatus}</Badge>
          {preview.feedFormat ? <Badge variant="light">{preview.feedFormat}</Badge> : null}
        </Group>
        {preview.title ? <Text size="sm" c="dimmed">{preview.title}</Text> : null}
        {preview.products.length > 0 ? (
          <Table striped aria-label={t('watch.preview.products')}>
            <Table.Thead><Table.Tr><Table.Th>{t('watch.product')}</Table.Th><Table.Th>{t('watch.price')}</Table.Th><Table.Th>{t('watch.asWritten')}</Table.Th></Table.Tr></Table.Thead>
            <Table.Tbody>
              {preview.products.slice(0, 20).map((p, i) => (
                <Table.Tr key={`${p.name}-${i}`}><Table.Td>{p.name}</Table.Td><Table.Td>{formatMoney(p.priceMinor, p.currency, i18n.language)}</Table.Td><Table.Td c="dimmed">{p.priceText}</Table.Td></Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        ) : null}
        {preview.entries.length > 0 ? (
          <Stack gap={2}>
            {preview.entries.slice(0, 10).map((e) => <Text key={e.id} size="sm">• {e.title}</Text>)}
          </Stack>
        ) : null}
        <Text size="sm">{t('watch.preview.counts', { products: preview.products.length, entries: preview.entries.length, paragraphs: preview.paragraphs.length })}</Text>
        {preview.unreadPrices.length > 0 ? (
          <Alert color="yellow" variant="light" title={t('watch.preview.unreadPrices')}>{preview.unreadPrices.join(' · ')}</Alert>
        ) : null}
      </Stack>
    </Card>
  );
}

export function SourceForm({ opened, onClose, source, competitorName, onSaved }: {
  opened: boolean;
  onClose: () => void;
  /** null: a new source */
  source: Source | null;
  competitorName?: string | null;
  onSaved: (source: Source) => void;
}) {
  const { t } = useTranslation();
  const [form, setForm] = useState<FormState>(() => initial(source, competitorName ?? null));
  const [preview, setPreview] = useState<Preview | null>(null);
  const [add, adding] = useMutation(ADD_SOURCE_MUTATION, { refetchQueries: [{ query: COMPETITORS_QUERY }], awaitRefetchQueries: true });
  const [update, updating] = useMutation(UPDATE_SOURCE_MUTATION, { refetchQueries: [{ query: COMPETITORS_QUERY }], awaitRefetchQueries: true });
  const [runPreview, previewing] = useMutation(PREVIEW_SOURCE_MUTATION);
  const set = (patch: Partial<FormState>) => setForm((f) => ({ ...f, ...patch }));
  const editing = source !== null;

  return (
    <Modal opened={opened} onClose={onClose} size="xl" title={editing ? t('watch.form.editTitle') : t('watch.form.addTitle')}>
      <form
        onSubmit={async (event) => {
          event.preventDefault();
          const common = { url: form.url, selectors: selectorsOf(form), intervalMinutes: form.intervalMinutes, priceThresholdPercent: form.threshold, active: form.active };
          const answer = editing
            ? await update({ variables: { id: source.id, input: common } }).then((r) => r.data?.updateCompetitorSource).catch(() => null)
            : await add({ variables: { input: { ...common, competitorName: form.competitorName, website: form.website || null, kind: form.kind } } }).then((r) => r.data?.addCompetitorSource).catch(() => null);
          if (answer) onSaved(answer);
        }}
      >
        <Stack>
          {!editing ? (
            <SimpleGrid cols={{ base: 1, sm: 2 }}>
              <TextInput label={t('watch.form.competitor')} description={t('watch.form.competitorHelp')} value={form.competitorName} onChange={(e) => set({ competitorName: e.currentTarget.value })} required data-autofocus />
              <TextInput label={t('watch.form.website')} placeholder="https://" value={form.website} onChange={(e) => set({ website: e.currentTarget.value })} />
            </SimpleGrid>
          ) : null}
          {!editing ? (
            <SegmentedControl
              aria-label={t('watch.form.kind')}
              value={form.kind}
              onChange={(value) => set({ kind: value as SourceKind })}
              data={[{ value: 'PAGE', label: t('watch.kind.PAGE') }, { value: 'FEED', label: t('watch.kind.FEED') }]}
            />
          ) : null}
          <TextInput label={t('watch.form.url')} description={t('watch.form.urlHelp')} placeholder="https://" value={form.url} onChange={(e) => set({ url: e.currentTarget.value })} required />
          {form.kind === 'PAGE' ? (
            <Card withBorder radius="md" padding="md">
              <Text fw={600} size="sm" mb={4}>{t('watch.form.selectors')}</Text>
              <Text size="xs" c="dimmed" mb="sm">{t('watch.form.selectorsHelp')}</Text>
              <SimpleGrid cols={{ base: 1, sm: 2 }}>
                <TextInput label={t('watch.form.itemSelector')} placeholder=".product" value={form.item} onChange={(e) => set({ item: e.currentTarget.value })} />
                <TextInput label={t('watch.form.nameSelector')} placeholder=".product h3" value={form.name} onChange={(e) => set({ name: e.currentTarget.value })} />
                <TextInput label={t('watch.form.priceSelector')} placeholder=".price" value={form.price} onChange={(e) => set({ price: e.currentTarget.value })} />
                <TextInput label={t('watch.form.textSelector')} placeholder="main" value={form.text} onChange={(e) => set({ text: e.currentTarget.value })} />
                <Select label={t('watch.form.currency')} description={t('watch.form.currencyHelp')} clearable data={['EUR', 'USD', 'MAD', 'GBP']} value={form.currency} onChange={(value) => set({ currency: value })} />
              </SimpleGrid>
            </Card>
          ) : null}
          <SimpleGrid cols={{ base: 1, sm: 3 }}>
            <Select
              label={t('watch.form.interval')}
              data={INTERVALS.map((m) => ({ value: String(m), label: t(`watch.intervals.${m}` as 'watch.intervals.15') }))}
              value={String(form.intervalMinutes)}
              onChange={(value) => set({ intervalMinutes: Number(value ?? 1440) })}
              allowDeselect={false}
            />
            <NumberInput label={t('watch.form.threshold')} suffix=" %" min={0} max={100} decimalScale={2} value={form.threshold} onChange={(value) => set({ threshold: typeof value === 'number' ? value : Number(value) || 0 })} />
            <Switch mt="xl" label={t('watch.form.active')} checked={form.active} onChange={(e) => set({ active: e.currentTarget.checked })} />
          </SimpleGrid>
          <Group>
            <Button
              variant="light"
              leftSection={<IconFlask size={16} />}
              loading={previewing.loading}
              onClick={async () => {
                setPreview(null);
                const answer = await runPreview({ variables: { input: { kind: form.kind, url: form.url, selectors: selectorsOf(form) } } }).catch(() => null);
                if (answer?.data) setPreview(answer.data.previewCompetitorSource);
              }}
            >
              {t('watch.form.test')}
            </Button>
          </Group>
          <ErrorAlert error={previewing.error} />
          {preview ? <PreviewResult preview={preview} /> : null}
          <ErrorAlert error={adding.error ?? updating.error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>{t('watch.form.cancel')}</Button>
            <Button type="submit" loading={adding.loading || updating.loading}>{editing ? t('watch.form.save') : t('watch.form.add')}</Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
