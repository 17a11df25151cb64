import { ActionIcon, Button, Card, Grid, Group, MultiSelect, SegmentedControl, Select, Stack, TagsInput, Text, TextInput, Textarea, Title } from '@mantine/core';
import { useMutation } from '@apollo/client/react';
import { IconArrowRight, IconPlus, IconTrash } from '@tabler/icons-react';
import { useState } from 'react';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { describeError } from '../../apollo/errors.ts';
import { ErrorAlert } from '../common/ErrorAlert.tsx';
import { answersInput, emptyOffer, formFromAnswers, keptOffers, rowKey, type AnswersForm } from './answers-form.ts';
import { ONBOARDING_QUERY, SAVE_ANSWERS, type Address, type OnboardingSession } from './onboarding.graphql.ts';

export const CHANNELS = ['blog', 'landing_page', 'linkedin', 'facebook', 'instagram', 'x', 'google_business', 'newsletter', 'email', 'sms'] as const;

function Section({ title, help, children }: { title: string; help?: string; children: ReactNode }) {
  return (
    <Card withBorder radius="md" padding="lg" component="fieldset" style={{ margin: 0 }}>
      <Title order={3} fz="md" component="legend" mb={help ? 0 : 'sm'} style={{ padding: 0, float: 'left', width: '100%' }}>
        {title}
      </Title>
      {help ? (
        <Text size="sm" c="dimmed" style={{ clear: 'both' }} mb="sm">
          {help}
        </Text>
      ) : null}
      <Stack gap="md" style={{ clear: 'both' }}>
        {children}
      </Stack>
    </Card>
  );
}

/** Step 1: the guided questionnaire. Saving replaces the previous answers. */
export function QuestionnaireStep({ session, workspace, onNext }: { session: OnboardingSession | null; workspace: { locale: string; currency: string }; onNext: () => void }) {
  const { t } = useTranslation();
  const [form, setForm] = useState<AnswersForm>(() => formFromAnswers(session?.answered ? session.answers : null, workspace));
  const [save, { loading, error, reset }] = useMutation(SAVE_ANSWERS, { refetchQueries: [ONBOARDING_QUERY], awaitRefetchQueries: true });
  const problem = error ? describeError(error) : null;
  const french = form.locale.startsWith('fr');

  const set = <K extends keyof AnswersForm>(key: K, value: AnswersForm[K]) => {
    reset();
    setForm((current) => ({ ...current, [key]: value }));
  };
  const fieldError = (path: string) => (problem?.field === path ? (problem.detail ?? t('errors.badInput')) : undefined);
  const offerError = (key: string, field: string) => {
    const index = keptOffers(form).findIndex((o) => o.key === key);
    return index >= 0 ? fieldError(`offers.${index}.${field}`) : undefined;
  };
  const shownOnForm = Boolean(problem?.field && /^(name|tagline|mission|website|location|tone\.address|offers\.\d+\.(name|price|currency))$/.test(problem.field));

  const submit = async () => {
    try {
      await save({ variables: { answers: answersInput(form) } });
      onNext();
    } catch {
      // Shown from `error`.
    }
  };

  const addresses: Array<{ value: Address; label: string }> = french
    ? [{ value: 'VOUS', label: t('onboarding.questionnaire.vous') }, { value: 'TU', label: t('onboarding.questionnaire.tu') }]
    : [{ value: 'YOU', label: t('onboarding.questionnaire.you') }];

  return (
    <form
      aria-label={t('onboarding.steps.questionnaire')}
      onSubmit={(event) => {
        event.preventDefault();
        void submit();
      }}
    >
      <Stack gap="lg">
        <Section title={t('onboarding.questionnaire.identity')} help={t('onboarding.questionnaire.identityHelp')}>
          <Grid gap="md">
            <Grid.Col span={{ base: 12, md: 6 }}>
              <TextInput label={t('onboarding.questionnaire.name')} value={form.name} onChange={(e) => set('name', e.currentTarget.value)} error={fieldError('name')} maxLength={200} />
            </Grid.Col>
            <Grid.Col span={{ base: 12, md: 6 }}>
              <TextInput label={t('onboarding.questionnaire.tagline')} value={form.tagline} onChange={(e) => set('tagline', e.currentTarget.value)} error={fieldError('tagline')} maxLength={300} />
            </Grid.Col>
            <Grid.Col span={{ base: 12, md: 6 }}>
              <TextInput label={t('onboarding.questionnaire.website')} placeholder="https://" value={form.website} onChange={(e) => set('website', e.currentTarget.value)} error={fieldError('website')} />
            </Grid.Col>
            <Grid.Col span={{ base: 12, md: 6 }}>
              <TextInput label={t('onboarding.questionnaire.location')} value={form.location} onChange={(e) => set('location', e.currentTarget.value)} error={fieldError('location')} />
            </Grid.Col>
          </Grid>
          <Textarea label={t('onboarding.questionnaire.mission')} autosize minRows={2} maxRows={5} value={form.mission} onChange={(e) => set('mission', e.currentTarget.value)} error={fieldError('mission')} />
          <TagsInput label={t('onboarding.questionnaire.values')} description={t('onboarding.questionnaire.tagsHelp')} value={form.values} onChange={(v) => set('values', v)} clearable />
        </Section>

        <Section title={t('onboarding.questionnaire.offers')} help={t('onboarding.questionnaire.offersHelp')}>
          {form.offers.map((offer, i) => (
            <Group key={offer.key} align="flex-start" gap="sm" wrap="wrap" role="group" aria-label={t('onboarding.questionnaire.offerN', { n: i + 1 })}>
              <SegmentedControl
                size="xs"
                mt={26}
                value={offer.kind}
                onChange={(kind) => set('offers', form.offers.map((o) => (o.key === offer.key ? { ...o, kind: kind as 'PRODUCT' | 'SERVICE' } : o)))}
                data={[{ value: 'PRODUCT', label: t('onboarding.questionnaire.product') }, { value: 'SERVICE', label: t('onboarding.questionnaire.service') }]}
              />
              <TextInput label={t('onboarding.questionnaire.offerName')} value={offer.name} style={{ flex: 2, minWidth: 180 }} error={offerError(offer.key, 'name')}
                onChange={(e) => { const name = e.currentTarget.value; set('offers', form.offers.map((o) => (o.key === offer.key ? { ...o, name } : o))); }} />
              <TextInput label={t('onboarding.questionnaire.price')} value={offer.price} w={110} inputMode="decimal" error={offerError(offer.key, 'price')}
                onChange={(e) => { const price = e.currentTarget.value; set('offers', form.offers.map((o) => (o.key === offer.key ? { ...o, price } : o))); }} />
              <TextInput label={t('onboarding.questionnaire.currency')} value={offer.currency} w={80} maxLength={3} error={offerError(offer.key, 'currency')}
                onChange={(e) => { const currency = e.currentTarget.value.toUpperCase(); set('offers', form.offers.map((o) => (o.key === offer.key ? { ...o, currency } : o))); }} />
              <TextInput label={t('onboarding.questionnaire.unit')} placeholder={t('onboarding.questionnaire.unitPlaceholder')} value={offer.unit} w={140}
                onChange={(e) => { const unit = e.currentTarget.value; set('offers', form.offers.map((o) => (o.key === offer.key ? { ...o, unit } : o))); }} />
              <ActionIcon variant="subtle" color="red" mt={28} aria-label={t('onboarding.questionnaire.removeOffer')} onClick={() => set('offers', form.offers.filter((o) => o.key !== offer.key))}>
                <IconTrash size={16} />
              </ActionIcon>
            </Group>
          ))}
          <Group>
            <Button variant="light" size="xs" leftSection={<IconPlus size={14} />} onClick={() => set('offers', [...form.offers, emptyOffer(workspace.currency)])}>
              {t('onboarding.questionnaire.addOffer')}
            </Button>
          </Group>
        </Section>

        <Section title={t('onboarding.questionnaire.audiences')} help={t('onboarding.questionnaire.audiencesHelp')}>
          {form.audiences.map((audience) => (
            <Group key={audience.key} align="flex-start" gap="sm" wrap="wrap">
              <TextInput label={t('onboarding.questionnaire.persona')} value={audience.persona} style={{ flex: 1, minWidth: 180 }}
                onChange={(e) => { const persona = e.currentTarget.value; set('audiences', form.audiences.map((a) => (a.key === audience.key ? { ...a, persona } : a))); }} />
              <TagsInput label={t('onboarding.questionnaire.needs')} value={audience.needs} style={{ flex: 2, minWidth: 220 }}
                onChange={(needs) => set('audiences', form.audiences.map((a) => (a.key === audience.key ? { ...a, needs } : a)))} />
              <ActionIcon variant="subtle" color="red" mt={28} aria-label={t('onboarding.questionnaire.removeAudience')} onClick={() => set('audiences', form.audiences.filter((a) => a.key !== audience.key))}>
                <IconTrash size={16} />
              </ActionIcon>
            </Group>
          ))}
          <Group>
            <Button variant="light" size="xs" leftSection={<IconPlus size={14} />} onClick={() => set('audiences', [...form.audiences, { key: rowKey(), persona: '', description: '', needs: [] }])}>
              {t('onboarding.questionnaire.addAudience')}
            </Button>
          </Group>
        </Section>

        <Section title={t('onboarding.questionnaire.tone')} help={french ? t('onboarding.questionnaire.toneHelpFr') : t('onboarding.questionnaire.toneHelp')}>
          <Grid gap="md">
            <Grid.Col span={{ base: 12, md: 4 }}>
              <Select label={t('onboarding.questionnaire.address')} data={addresses} value={form.address} onChange={(v) => set('address', (v as Address | null) ?? null)} clearable error={fieldError('tone.address')} />
            </Grid.Col>
            <Grid.Col span={{ base: 12, md: 8 }}>
              <TagsInput label={t('onboarding.questionnaire.voice')} description={t('onboarding.questionnaire.tagsHelp')} value={form.voice} onChange={(v) => set('voice', v)} clearable />
            </Grid.Col>
          </Grid>
          <Grid gap="md">
            <Grid.Col span={{ base: 12, md: 6 }}>
              <TagsInput label={t('onboarding.questionnaire.wordsToUse')} value={form.wordsToUse} onChange={(v) => set('wordsToUse', v)} clearable />
            </Grid.Col>
            <Grid.Col span={{ base: 12, md: 6 }}>
              <TagsInput label={t('onboarding.questionnaire.wordsToAvoid')} value={form.wordsToAvoid} onChange={(v) => set('wordsToAvoid', v)} clearable />
            </Grid.Col>
          </Grid>
        </Section>

        <Section title={t('onboarding.questionnaire.proof')}>
          <Textarea label={t('onboarding.questionnaire.proofPoints')} description={t('onboarding.questionnaire.linesHelp')} autosize minRows={2} maxRows={6} value={form.proofPoints} onChange={(e) => set('proofPoints', e.currentTarget.value)} />
          {form.competitors.map((competitor) => (
            <Group key={competitor.key} align="flex-start" gap="sm" wrap="wrap">
              <TextInput label={t('onboarding.questionnaire.competitor')} value={competitor.name} style={{ flex: 1, minWidth: 180 }}
                onChange={(e) => { const name = e.currentTarget.value; set('competitors', form.competitors.map((c) => (c.key === competitor.key ? { ...c, name } : c))); }} />
              <TextInput label={t('onboarding.questionnaire.competitorWebsite')} value={competitor.website} style={{ flex: 1, minWidth: 180 }}
                onChange={(e) => { const website = e.currentTarget.value; set('competitors', form.competitors.map((c) => (c.key === competitor.key ? { ...c, website } : c))); }} />
              <ActionIcon variant="subtle" color="red" mt={28} aria-label={t('onboarding.questionnaire.removeCompetitor')} onClick={() => set('competitors', form.competitors.filter((c) => c.key !== competitor.key))}>
                <IconTrash size={16} />
              </ActionIcon>
            </Group>
          ))}
          <Group>
            <Button variant="light" size="xs" leftSection={<IconPlus size={14} />} onClick={() => set('competitors', [...form.competitors, { key: rowKey(), name: '', website: '' }])}>
              {t('onboarding.questionnaire.addCompetitor')}
            </Button>
          </Group>
        </Section>

        <Section title={t('onboarding.questionnaire.channels')}>
          <MultiSelect label={t('onboarding.questionnaire.channelsLabel')} data={CHANNELS.map((c) => ({ value: c, label: t(`channels.${c.toUpperCase() as Uppercase<typeof c>}`) }))} value={form.channels} onChange={(v) => set('channels', v)} clearable />
          <TagsInput label={t('onboarding.questionnaire.keywords')} description={t('onboarding.questionnaire.tagsHelp')} value={form.keywords} onChange={(v) => set('keywords', v)} clearable />
        </Section>

        {error && !shownOnForm ? <ErrorAlert error={error} title={t('onboarding.questionnaire.saveFailed')} /> : null}
        <Group justify="flex-end">
          <Button type="submit" loading={loading} rightSection={<IconArrowRight size={16} />}>
            {t('onboarding.questionnaire.save')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
