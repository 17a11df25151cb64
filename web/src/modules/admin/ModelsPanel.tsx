import { Badge, Card, Group, NumberInput, Select, Stack, Switch, Table, Text } from '@mantine/core';
import { useMutation, useQuery } from '@apollo/client/react';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../common/ErrorAlert.tsx';
import { PageLoader } from '../common/PageLoader.tsx';
import { AI_MODELS_QUERY, UPDATE_MODEL_MUTATION, type AiModel, type AiModelTier } from './ai-admin.graphql.ts';

/** A price cell edited in place: saved when it loses focus (or on Enter) if it changed. */
function PriceInput({ value, label, currency, onSave }: { value: number; label: string; currency: string; onSave: (next: number) => void }) {
  const [draft, setDraft] = useState<number | string>(value);
  // Enter then blur commit the same value once.
  const sent = useRef(value);
  const commit = () => {
    const next = typeof draft === 'number' ? draft : Number(draft);
    if (!Number.isInteger(next) || next < 0) setDraft(value);
    else if (next !== sent.current) {
      sent.current = next;
      onSave(next);
    }
  };
  return (
    <NumberInput
      aria-label={label}
      value={draft}
      onChange={setDraft}
      onBlur={commit}
      onKeyDown={(e) => { if (e.key === 'Enter') commit(); }}
      min={0}
      allowDecimal={false}
      allowNegative={false}
      thousandSeparator=" "
      rightSection={<Text size="xs" c="dimmed" pr={6}>{currency}</Text>}
      rightSectionWidth={44}
      size="xs"
      w={130}
    />
  );
}

function ModelRow({ model }: { model: AiModel }) {
  const { t } = useTranslation();
  const [update, { loading, error }] = useMutation(UPDATE_MODEL_MUTATION);
  const save = (input: { active?: boolean; tier?: AiModelTier; inputPrice?: number; outputPrice?: number }) =>
    void update({ variables: { id: model.id, input } }).catch(() => undefined);
  return (
    <Table.Tr data-model={model.code}>
      <Table.Td>
        <Text fw={600} size="sm">{model.name}</Text>
        <Text size="xs" c="dimmed" ff="monospace">{model.code}</Text>
        {error ? <ErrorAlert error={error} /> : null}
      </Table.Td>
      <Table.Td>
        <Text size="sm">{model.provider.name}</Text>
      </Table.Td>
      <Table.Td>
        <Select
          aria-label={t('aiAdmin.models.tierLabel', { name: model.name })}
          size="xs"
          w={120}
          value={model.tier}
          data={(['PREMIUM', 'STANDARD'] as const).map((tier) => ({ value: tier, label: t(`aiAdmin.tiers.${tier}`) }))}
          onChange={(tier) => { if (tier && tier !== model.tier) save({ tier: tier as AiModelTier }); }}
          allowDeselect={false}
          disabled={loading}
        />
      </Table.Td>
      <Table.Td>
        <Switch aria-label={t('aiAdmin.models.activeLabel', { name: model.name })} checked={model.active} disabled={loading}
          onChange={(e) => save({ active: e.currentTarget.checked })} />
      </Table.Td>
      <Table.Td>
        <PriceInput key={`in-${model.inputPrice}`} value={model.inputPrice} currency={model.currency} label={t('aiAdmin.models.inputLabel', { name: model.name })}
          onSave={(inputPrice) => save({ inputPrice })} />
      </Table.Td>
      <Table.Td>
        <PriceInput key={`out-${model.outputPrice}`} value={model.outputPrice} currency={model.currency} label={t('aiAdmin.models.outputLabel', { name: model.name })}
          onSave={(outputPrice) => save({ outputPrice })} />
      </Table.Td>
      <Table.Td>
        <Group gap={4}>
          {model.capabilities.map((c) => <Badge key={c} size="xs" variant="light" color="gray" tt="none">{c}</Badge>)}
        </Group>
      </Table.Td>
    </Table.Tr>
  );
}

export function ModelsPanel() {
  const { t } = useTranslation();
  const { data, loading, error, refetch } = useQuery(AI_MODELS_QUERY, { fetchPolicy: 'cache-and-network' });
  if (loading && !data) return <PageLoader />;
  if (!data) return <ErrorAlert error={error} onRetry={() => void refetch()} />;
  return (
    <Stack>
      <Text size="sm" c="dimmed">{t('aiAdmin.models.pricesHint')}</Text>
      <Card withBorder radius="md" padding={0}>
        <Table.ScrollContainer minWidth={980}>
          <Table verticalSpacing="xs" horizontalSpacing="md" aria-label={t('aiAdmin.tabs.models')}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('aiAdmin.models.name')}</Table.Th>
                <Table.Th>{t('aiAdmin.models.provider')}</Table.Th>
                <Table.Th>{t('aiAdmin.models.tier')}</Table.Th>
                <Table.Th>{t('aiAdmin.models.active')}</Table.Th>
                <Table.Th>{t('aiAdmin.models.inputPrice')}</Table.Th>
                <Table.Th>{t('aiAdmin.models.outputPrice')}</Table.Th>
                <Table.Th>{t('aiAdmin.models.capabilities')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {data.aiModels.map((model) => <ModelRow key={model.id} model={model} />)}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </Card>
    </Stack>
  );
}
