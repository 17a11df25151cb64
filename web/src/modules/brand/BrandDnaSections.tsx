import { Badge, Card, Group, List, SimpleGrid, Stack, Text, ThemeIcon } from '@mantine/core';
import {
  IconBan,
  IconBuilding,
  IconCheck,
  IconHash,
  IconHeart,
  IconListDetails,
  IconMessageCircle,
  IconQuote,
  IconShoppingBag,
  IconSpeakerphone,
  IconSwords,
  IconUsers,
  IconVocabulary,
} from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { BrandSection } from './BrandSection.tsx';
import { DetailList } from './DetailList.tsx';
import type { BrandDnaView, LabelledItem, OfferView } from './brand-dna-view.ts';

const CHANNELS = ['BLOG', 'LANDING_PAGE', 'LINKEDIN', 'FACEBOOK', 'INSTAGRAM', 'X', 'GOOGLE_BUSINESS', 'NEWSLETTER', 'EMAIL', 'SMS'] as const;
type ChannelKey = (typeof CHANNELS)[number];

function channelKey(label: string): ChannelKey | null {
  const key = label.trim().toUpperCase().replace(/[\s-]+/g, '_');
  const aliases: Record<string, ChannelKey> = { TWITTER: 'X', GOOGLE_BUSINESS_PROFILE: 'GOOGLE_BUSINESS', GBP: 'GOOGLE_BUSINESS', LANDING: 'LANDING_PAGE', E_MAIL: 'EMAIL' };
  if ((CHANNELS as readonly string[]).includes(key)) return key as ChannelKey;
  return aliases[key] ?? null;
}

function Price({ price }: { price: NonNullable<OfferView['price']> }) {
  const { i18n } = useTranslation();
  if ('text' in price) return <>{price.text}</>;
  try {
    return <>{new Intl.NumberFormat(i18n.language, { style: 'currency', currency: price.currency, maximumFractionDigits: Number.isInteger(price.amount) ? 0 : 2 }).format(price.amount)}</>;
  } catch {
    return <>{`${price.amount} ${price.currency}`}</>;
  }
}

function Chips({ items, color = 'brand' }: { items: LabelledItem[] | string[]; color?: string }) {
  return (
    <Group gap={8}>
      {items.map((item) => {
        const label = typeof item === 'string' ? item : item.label;
        return (
          <Badge key={label} variant="light" color={color} radius="sm" size="lg" tt="none" fw={500}>
            {label}
          </Badge>
        );
      })}
    </Group>
  );
}

export function BrandDnaSections({ view }: { view: BrandDnaView }) {
  const { t } = useTranslation();
  const channelLabel = (label: string) => {
    const key = channelKey(label);
    return key ? t(`channels.${key}`) : label;
  };

  return (
    <Stack gap="lg">
      <BrandSection title={t('brand.sections.identity')} icon={IconBuilding} empty={!view.name && !view.tagline && !view.mission && !view.vision && view.identity.length === 0}>
        <Stack gap="md">
          {view.mission ? (
            <div>
              <Text size="xs" tt="uppercase" fw={600} c="dimmed" style={{ letterSpacing: '0.04em' }}>
                {t('brand.mission')}
              </Text>
              <Text size="md" mt={4}>
                {view.mission}
              </Text>
            </div>
          ) : null}
          {view.vision ? (
            <div>
              <Text size="xs" tt="uppercase" fw={600} c="dimmed" style={{ letterSpacing: '0.04em' }}>
                {t('brand.vision')}
              </Text>
              <Text size="md" mt={4}>
                {view.vision}
              </Text>
            </div>
          ) : null}
          {view.identity.length > 0 ? <DetailList nodes={view.identity} /> : null}
        </Stack>
      </BrandSection>

      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg">
        <BrandSection title={t('brand.sections.values')} icon={IconHeart} empty={view.values.length === 0}>
          <List spacing="xs" size="sm" icon={<ThemeIcon size={18} radius="xl" variant="light"><IconCheck size={12} /></ThemeIcon>}>
            {view.values.map((value) => (
              <List.Item key={value.label}>
                <Text span fw={600} size="sm">
                  {value.label}
                </Text>
                {value.detail ? (
                  <Text span size="sm" c="dimmed">
                    {' — '}
                    {value.detail}
                  </Text>
                ) : null}
              </List.Item>
            ))}
          </List>
        </BrandSection>
        <BrandSection title={t('brand.sections.tone')} icon={IconMessageCircle} empty={!view.tone.address && view.tone.traits.length === 0 && !view.tone.description && view.tone.dos.length === 0 && view.tone.donts.length === 0}>
          <Stack gap="sm">
            {view.tone.address ? (
              <Group gap="xs">
                <Text size="sm" c="dimmed">
                  {t('brand.address')}
                </Text>
                <Badge variant="filled" radius="sm" tt="none">
                  {t(`brand.addressValues.${view.tone.address}`)}
                </Badge>
              </Group>
            ) : null}
            {view.tone.traits.length > 0 ? <Chips items={view.tone.traits} color="accent" /> : null}
            {view.tone.description ? <Text size="sm">{view.tone.description}</Text> : null}
            {view.tone.dos.length > 0 ? (
              <div>
                <Text size="xs" tt="uppercase" fw={600} c="teal.7" mb={4}>
                  {t('brand.toneDo')}
                </Text>
                <List size="sm" spacing={2}>
                  {view.tone.dos.map((item) => (
                    <List.Item key={item}>{item}</List.Item>
                  ))}
                </List>
              </div>
            ) : null}
            {view.tone.donts.length > 0 ? (
              <div>
                <Text size="xs" tt="uppercase" fw={600} c="red.7" mb={4}>
                  {t('brand.toneDont')}
                </Text>
                <List size="sm" spacing={2}>
                  {view.tone.donts.map((item) => (
                    <List.Item key={item}>{item}</List.Item>
                  ))}
                </List>
              </div>
            ) : null}
          </Stack>
        </BrandSection>
      </SimpleGrid>

      <BrandSection title={t('brand.sections.offers')} icon={IconShoppingBag} empty={view.offers.length === 0}>
        <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }} spacing="md">
          {view.offers.map((offer) => (
            <Card key={offer.name} withBorder radius="md" padding="md" bg="var(--mantine-color-gray-0)">
              <Text fw={600} size="sm">
                {offer.name}
              </Text>
              {offer.price ? (
                <Text size="sm" fw={700} c="brand.7" mt={2}>
                  <Price price={offer.price} />
                  {offer.unit ? (
                    <Text span size="xs" fw={500} c="dimmed">
                      {` / ${offer.unit}`}
                    </Text>
                  ) : null}
                </Text>
              ) : null}
              {offer.description ? (
                <Text size="sm" c="dimmed" mt={6}>
                  {offer.description}
                </Text>
              ) : null}
            </Card>
          ))}
        </SimpleGrid>
      </BrandSection>

      <BrandSection title={t('brand.sections.audiences')} icon={IconUsers} empty={view.audiences.length === 0}>
        <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
          {view.audiences.map((audience) => (
            <Card key={audience.name} withBorder radius="md" padding="md">
              <Text fw={600} size="sm">
                {audience.name}
              </Text>
              {audience.description ? (
                <Text size="sm" c="dimmed" mt={4}>
                  {audience.description}
                </Text>
              ) : null}
              {audience.pains.length > 0 ? (
                <>
                  <Text size="xs" tt="uppercase" fw={600} c="red.7" mt="sm" mb={4}>
                    {t('brand.pains')}
                  </Text>
                  <List size="sm" spacing={2}>
                    {audience.pains.map((pain) => (
                      <List.Item key={pain}>{pain}</List.Item>
                    ))}
                  </List>
                </>
              ) : null}
              {audience.goals.length > 0 ? (
                <>
                  <Text size="xs" tt="uppercase" fw={600} c="teal.7" mt="sm" mb={4}>
                    {t('brand.goals')}
                  </Text>
                  <List size="sm" spacing={2}>
                    {audience.goals.map((goal) => (
                      <List.Item key={goal}>{goal}</List.Item>
                    ))}
                  </List>
                </>
              ) : null}
              {audience.objections.length > 0 ? (
                <>
                  <Text size="xs" tt="uppercase" fw={600} c="orange.8" mt="sm" mb={4}>
                    {t('brand.objections')}
                  </Text>
                  <List size="sm" spacing={2}>
                    {audience.objections.map((objection) => (
                      <List.Item key={objection}>{objection}</List.Item>
                    ))}
                  </List>
                </>
              ) : null}
            </Card>
          ))}
        </SimpleGrid>
      </BrandSection>

      <BrandSection title={t('brand.sections.vocabulary')} icon={IconVocabulary} empty={view.vocabularyUse.length === 0 && view.vocabularyAvoid.length === 0}>
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="lg">
          <div>
            <Group gap={6} mb={8}>
              <IconCheck size={16} color="var(--mantine-color-teal-7)" aria-hidden="true" />
              <Text size="sm" fw={600}>
                {t('brand.use')}
              </Text>
            </Group>
            {view.vocabularyUse.length > 0 ? <Chips items={view.vocabularyUse} color="teal" /> : <Text size="sm" c="dimmed">—</Text>}
          </div>
          <div>
            <Group gap={6} mb={8}>
              <IconBan size={16} color="var(--mantine-color-red-7)" aria-hidden="true" />
              <Text size="sm" fw={600}>
                {t('brand.avoid')}
              </Text>
            </Group>
            {view.vocabularyAvoid.length > 0 ? <Chips items={view.vocabularyAvoid} color="red" /> : <Text size="sm" c="dimmed">—</Text>}
          </div>
        </SimpleGrid>
      </BrandSection>

      <BrandSection title={t('brand.sections.proofPoints')} icon={IconQuote} empty={view.proofPoints.length === 0}>
        <Stack gap="sm">
          {view.proofPoints.map((proof) => (
            <Group key={proof.label} gap="sm" wrap="nowrap" align="flex-start">
              <ThemeIcon size={22} radius="xl" variant="light" color="accent" mt={1}>
                <IconQuote size={13} />
              </ThemeIcon>
              <div>
                <Text size="sm">{proof.label}</Text>
                {proof.detail ? (
                  <Text size="xs" c="dimmed">
                    {t('brand.source', { source: proof.detail })}
                  </Text>
                ) : null}
              </div>
            </Group>
          ))}
        </Stack>
      </BrandSection>

      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg">
        <BrandSection title={t('brand.sections.keywords')} icon={IconHash} empty={view.keywords.length === 0}>
          <Chips items={view.keywords} color="gray" />
        </BrandSection>
        <BrandSection title={t('brand.sections.channels')} icon={IconSpeakerphone} empty={view.channels.length === 0}>
          <Stack gap={6}>
            {view.channels.map((channel) => (
              <Group key={channel.label} gap="xs">
                <Badge variant="dot" radius="sm" size="lg" tt="none" fw={500}>
                  {channelLabel(channel.label)}
                </Badge>
                {channel.detail ? (
                  <Text size="sm" c="dimmed">
                    {channel.detail}
                  </Text>
                ) : null}
              </Group>
            ))}
          </Stack>
        </BrandSection>
      </SimpleGrid>

      {view.competitors.length > 0 ? (
        <BrandSection title={t('brand.sections.competitors')} icon={IconSwords} empty={false}>
          <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
            {view.competitors.map((competitor) => (
              <div key={competitor.label}>
                <Text size="sm" fw={600}>
                  {competitor.label}
                </Text>
                {competitor.detail ? (
                  <Text size="sm" c="dimmed">
                    {competitor.detail}
                  </Text>
                ) : null}
              </div>
            ))}
          </SimpleGrid>
        </BrandSection>
      ) : null}

      {view.other.length > 0 ? (
        <BrandSection title={t('brand.sections.other')} icon={IconListDetails} empty={false}>
          <DetailList nodes={view.other} />
        </BrandSection>
      ) : null}
    </Stack>
  );
}
