import { ActionIcon, Alert, Button, Card, Grid, Group, Select, Stack, Text, TextInput, Textarea, Title } from '@mantine/core';
import { useMutation } from '@apollo/client/react';
import { IconAlertTriangle, IconArrowLeft, IconCheck, IconPlus, IconTrash } from '@tabler/icons-react';
import { useMemo, useState } from 'react';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { describeError } from '../../apollo/errors.ts';
import type { BrandDnaWrite } from '../brand/brand.graphql.ts';
import { ErrorAlert } from '../common/ErrorAlert.tsx';
import { CHANNELS } from './QuestionnaireStep.tsx';
import { SourceBadge } from './SourceBadge.tsx';
import { addItem, badgeOf, formatMinor, getAt, listAt, parseMinor, removeItem, reviewState, setField, setItem, type ReviewState } from './draft-form.ts';
import { ACCEPT_DRAFT, ONBOARDING_QUERY, type OnboardingDraft } from './onboarding.graphql.ts';

type Priced = { name: string; price_minor: number; currency: string; unit?: string; description?: string };

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <Card withBorder radius="md" padding="lg" component="section">
      <Title order={3} fz="md" mb="md">
        {title}
      </Title>
      <Stack gap="md">{children}</Stack>
    </Card>
  );
}

function Labelled({ text, badge }: { text: string; badge: ReactNode }) {
  return (
    <Group gap={8} wrap="nowrap" component="span">
      <span>{text}</span>
      {badge}
    </Group>
  );
}

/** A price typed as text, kept in minor units once it parses. */
function PriceInput({ minor, currency, onChange, label }: { minor: number; currency: string; onChange: (minor: number) => void; label: string }) {
  const { t } = useTranslation();
  const [text, setText] = useState(() => formatMinor(minor, currency));
  const parsed = parseMinor(text, currency);
  return (
    <TextInput
      size="xs"
      label={label}
      value={text}
      w={110}
      inputMode="decimal"
      error={parsed === null ? t('onboarding.review.notAPrice') : undefined}
      onChange={(e) => {
        const value = e.currentTarget.value;
        setText(value);
        const next = parseMinor(value, currency);
        if (next !== null) onChange(next);
      }}
    />
  );
}

/** Step 4: the proposed DNA as an editable form; every field shows where it came from. Accepting saves it as the next snapshot. */
export function ReviewStep({ draft, onBack, onAccepted }: { draft: OnboardingDraft; onBack: () => void; onAccepted: (snapshot: BrandDnaWrite) => void }) {
  const { t } = useTranslation();
  const [state, setState] = useState<ReviewState>(() => reviewState(draft.document, draft.fields));
  const [accept, { loading, error, reset }] = useMutation(ACCEPT_DRAFT, {
    refetchQueries: [ONBOARDING_QUERY],
    // The brand page's cached DNA is outdated now: drop it so the page reads the new snapshot.
    update: (cache) => {
      cache.evict({ id: 'ROOT_QUERY', fieldName: 'brandDna' });
      cache.evict({ id: 'ROOT_QUERY', fieldName: 'brandDnaHistory' });
      cache.gc();
    },
  });
  const problem = error ? describeError(error) : null;
  const french = String(state.document.locale ?? '').startsWith('fr');
  const fieldCount = useMemo(() => draft.fields.length, [draft.fields]);

  const change = (next: ReviewState) => {
    reset();
    setState(next);
  };
  const badge = (path: string) => <SourceBadge origin={badgeOf(state, path)} />;
  const fieldError = (path: string) => (problem?.field === path || problem?.field?.startsWith(`${path}.`) ? (problem.detail ?? t('errors.badInput')) : undefined);
  const text = (path: string, label: string, multiline = false) => {
    const props = {
      label: <Labelled text={label} badge={badge(path)} />,
      value: typeof getAt(state.document, path) === 'string' || typeof getAt(state.document, path) === 'number' ? String(getAt(state.document, path)) : '',
      error: fieldError(path),
      'data-field': path,
    };
    return multiline ? (
      <Textarea {...props} autosize minRows={2} maxRows={6} onChange={(e) => change(setField(state, path, e.currentTarget.value, draft.document))} />
    ) : (
      <TextInput {...props} onChange={(e) => change(setField(state, path, e.currentTarget.value, draft.document))} />
    );
  };

  /** A list of short texts: one input per item, its badge, a remove button; then "add". */
  const strings = (path: string, label: string, options: { select?: Array<{ value: string; label: string }> } = {}) => {
    const items = listAt<string>(state.document, path);
    return (
      <Stack gap={6} role="group" aria-label={label} data-field={path}>
        <Text size="sm" fw={500}>
          {label}
        </Text>
        {items.map((item, i) => (
          <Group key={`${path}.${i}`} gap="xs" wrap="nowrap" data-testid="review-item">
            {options.select ? (
              <Select size="xs" data={options.select} value={item} onChange={(v) => v && change(setItem(state, path, i, v))} style={{ flex: 1 }} aria-label={`${label} ${i + 1}`} allowDeselect={false} />
            ) : (
              <TextInput size="xs" value={item} onChange={(e) => change(setItem(state, path, i, e.currentTarget.value))} style={{ flex: 1 }} aria-label={`${label} ${i + 1}`} />
            )}
            {badge(`${path}.${i}`)}
            <ActionIcon variant="subtle" color="red" size="sm" aria-label={t('onboarding.review.remove', { item })} onClick={() => change(removeItem(state, path, i))}>
              <IconTrash size={14} />
            </ActionIcon>
          </Group>
        ))}
        {fieldError(path) ? (
          <Text size="xs" c="red.7" role="alert">
            {fieldError(path)}
          </Text>
        ) : null}
        <Group>
          <Button variant="subtle" size="compact-xs" leftSection={<IconPlus size={12} />} onClick={() => change(addItem(state, path, options.select ? options.select.find((o) => !items.includes(o.value))?.value ?? options.select[0]!.value : ''))}>
            {t('onboarding.review.add')}
          </Button>
        </Group>
      </Stack>
    );
  };

  const offers = (path: 'offer.products' | 'offer.services', label: string) => {
    const items = listAt<Priced>(state.document, path);
    return (
      <Stack gap={6} role="group" aria-label={label} data-field={path}>
        <Text size="sm" fw={500}>
          {label}
        </Text>
        {items.map((item, i) => (
          <Group key={`${path}.${i}`} gap="xs" align="flex-end" wrap="wrap" data-testid="review-item">
            <TextInput size="xs" label={t('onboarding.questionnaire.offerName')} value={item.name} style={{ flex: 2, minWidth: 160 }} onChange={(e) => change(setItem(state, path, i, { ...item, name: e.currentTarget.value }))} />
            <PriceInput label={t('onboarding.questionnaire.price')} minor={item.price_minor} currency={item.currency} onChange={(minor) => change(setItem(state, path, i, { ...item, price_minor: minor }))} />
            <TextInput size="xs" label={t('onboarding.questionnaire.currency')} value={item.currency} w={70} maxLength={3} onChange={(e) => change(setItem(state, path, i, { ...item, currency: e.currentTarget.value.toUpperCase() }))} />
            <TextInput size="xs" label={t('onboarding.questionnaire.unit')} value={item.unit ?? ''} w={120} onChange={(e) => {
              const { unit: _unit, ...rest } = item;
              const unit = e.currentTarget.value;
              change(setItem(state, path, i, unit ? { ...rest, unit } : rest));
            }} />
            <Group gap={6} pb={4} wrap="nowrap">
              {badge(`${path}.${i}`)}
              <ActionIcon variant="subtle" color="red" size="sm" aria-label={t('onboarding.review.remove', { item: item.name })} onClick={() => change(removeItem(state, path, i))}>
                <IconTrash size={14} />
              </ActionIcon>
            </Group>
          </Group>
        ))}
        {fieldError(path) ? (
          <Text size="xs" c="red.7" role="alert">
            {fieldError(path)}
          </Text>
        ) : null}
        <Group>
          <Button variant="subtle" size="compact-xs" leftSection={<IconPlus size={12} />} onClick={() => change(addItem(state, path, { name: '', price_minor: 0, currency: items[0]?.currency ?? 'EUR' }))}>
            {t('onboarding.review.add')}
          </Button>
        </Group>
      </Stack>
    );
  };

  /** Lists of objects shown by one text property (audiences by persona, competitors by name). */
  const named = (path: 'audiences' | 'competitors', key: 'persona' | 'name', label: string) => {
    const items = listAt<Record<string, unknown>>(state.document, path);
    return (
      <Stack gap={6} role="group" aria-label={label} data-field={path}>
        <Text size="sm" fw={500}>
          {label}
        </Text>
        {items.map((item, i) => (
          <Group key={`${path}.${i}`} gap="xs" wrap="nowrap" data-testid="review-item">
            <TextInput size="xs" value={String(item[key] ?? '')} style={{ flex: 1 }} aria-label={`${label} ${i + 1}`} onChange={(e) => change(setItem(state, path, i, { ...item, [key]: e.currentTarget.value }))} />
            {typeof item.website === 'string' ? (
              <Text size="xs" c="dimmed" truncate maw={200}>
                {item.website}
              </Text>
            ) : null}
            {badge(`${path}.${i}`)}
            <ActionIcon variant="subtle" color="red" size="sm" aria-label={t('onboarding.review.remove', { item: String(item[key] ?? '') })} onClick={() => change(removeItem(state, path, i))}>
              <IconTrash size={14} />
            </ActionIcon>
          </Group>
        ))}
        <Group>
          <Button variant="subtle" size="compact-xs" leftSection={<IconPlus size={12} />} onClick={() => change(addItem(state, path, { [key]: '' }))}>
            {t('onboarding.review.add')}
          </Button>
        </Group>
      </Stack>
    );
  };

  const submit = async () => {
    try {
      const { data } = await accept({ variables: { document: state.document } });
      if (data) onAccepted(data.acceptOnboardingDraft);
    } catch {
      // Shown from `error`.
    }
  };

  const addresses = french
    ? [{ value: 'vous', label: t('onboarding.questionnaire.vous') }, { value: 'tu', label: t('onboarding.questionnaire.tu') }]
    : [{ value: 'you', label: t('onboarding.questionnaire.you') }];

  return (
    <form
      aria-label={t('onboarding.steps.review')}
      onSubmit={(event) => {
        event.preventDefault();
        void submit();
      }}
    >
      <Stack gap="lg">
        <Alert variant="light" color="blue">
          {t('onboarding.review.help', { count: fieldCount })}
        </Alert>
        {draft.issues.length ? (
          <Alert variant="light" color="orange" icon={<IconAlertTriangle size={18} />} title={t('onboarding.review.issuesTitle')}>
            <Stack gap={2}>
              {draft.issues.map((issue) => (
                <Text key={`${issue.field}:${issue.message}`} size="sm">
                  {issue.field}: {issue.message}
                </Text>
              ))}
            </Stack>
          </Alert>
        ) : null}

        <Section title={t('onboarding.questionnaire.identity')}>
          <Grid gap="md">
            <Grid.Col span={{ base: 12, md: 6 }}>{text('identity.name', t('onboarding.questionnaire.name'))}</Grid.Col>
            <Grid.Col span={{ base: 12, md: 6 }}>{text('identity.tagline', t('onboarding.questionnaire.tagline'))}</Grid.Col>
            <Grid.Col span={{ base: 12, md: 6 }}>{text('identity.website', t('onboarding.questionnaire.website'))}</Grid.Col>
            <Grid.Col span={{ base: 12, md: 6 }}>{text('identity.location', t('onboarding.questionnaire.location'))}</Grid.Col>
          </Grid>
          {text('identity.story', t('onboarding.review.story'), true)}
          {text('mission', t('onboarding.questionnaire.mission'), true)}
          {strings('values', t('onboarding.questionnaire.values'))}
        </Section>

        <Section title={t('onboarding.questionnaire.offers')}>
          {offers('offer.products', t('onboarding.review.products'))}
          {offers('offer.services', t('onboarding.review.services'))}
        </Section>

        <Section title={t('onboarding.questionnaire.audiences')}>{named('audiences', 'persona', t('onboarding.questionnaire.persona'))}</Section>

        <Section title={t('onboarding.questionnaire.tone')}>
          <Select
            label={<Labelled text={t('onboarding.questionnaire.address')} badge={badge('tone.address')} />}
            data={addresses}
            value={typeof getAt(state.document, 'tone.address') === 'string' ? String(getAt(state.document, 'tone.address')) : null}
            onChange={(v) => change(setField(state, 'tone.address', v ?? undefined, draft.document))}
            clearable
            error={fieldError('tone.address') ?? fieldError('tone')}
            maw={320}
            data-field="tone.address"
          />
          {strings('tone.voice', t('onboarding.questionnaire.voice'))}
          {strings('tone.do', t('onboarding.review.toneDo'))}
          {strings('tone.dont', t('onboarding.review.toneDont'))}
          {strings('vocabulary.use', t('onboarding.questionnaire.wordsToUse'))}
          {strings('vocabulary.avoid', t('onboarding.questionnaire.wordsToAvoid'))}
        </Section>

        <Section title={t('onboarding.questionnaire.proof')}>
          {strings('proof_points', t('onboarding.questionnaire.proofPoints'))}
          {named('competitors', 'name', t('onboarding.questionnaire.competitor'))}
        </Section>

        <Section title={t('onboarding.questionnaire.channels')}>
          {strings('channels', t('onboarding.questionnaire.channelsLabel'), { select: CHANNELS.map((c) => ({ value: c, label: t(`channels.${c.toUpperCase() as Uppercase<typeof c>}`) })) })}
          {strings('keywords', t('onboarding.questionnaire.keywords'))}
          <Group gap="xs">
            <Text size="sm">{t('onboarding.review.locale', { locale: String(state.document.locale ?? '') })}</Text>
            {badge('locale')}
          </Group>
        </Section>

        {error ? (problem?.code === 'BAD_USER_INPUT' ? (
          <Alert color="red" variant="light" role="alert" title={t('onboarding.review.acceptFailed')}>
            {problem.detail}
          </Alert>
        ) : <ErrorAlert error={error} title={t('onboarding.review.acceptFailed')} />) : null}
        <Group justify="space-between">
          <Button variant="default" leftSection={<IconArrowLeft size={16} />} onClick={onBack}>
            {t('onboarding.back')}
          </Button>
          <Button type="submit" color="teal" loading={loading} leftSection={<IconCheck size={16} />}>
            {t('onboarding.review.accept')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
