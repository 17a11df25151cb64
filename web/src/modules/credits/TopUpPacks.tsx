import { Alert, Badge, Button, Card, Group, Modal, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useMutation } from '@apollo/client/react';
import { IconCircleCheck } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../common/ErrorAlert.tsx';
import { formatDateTime, formatNumber } from '../common/format.ts';
import { CREDITS_QUERY, TOP_UP_MUTATION, type CreditTopUp, type TopUpPack, type TopUpStatus } from './credits.graphql.ts';

const STATUS_COLOR: Record<TopUpStatus, string> = { PENDING_PAYMENT: 'yellow', GRANTED: 'teal', CANCELLED: 'gray' };

export function formatPrice(minor: number, currency: string, language: string): string {
  return new Intl.NumberFormat(language, { style: 'currency', currency }).format(minor / 100);
}

/** Packs to buy (with a confirmation naming the price) and the client's recent top-ups. */
export function TopUpPacks({ packs, topUps, canBuy }: { packs: TopUpPack[]; topUps: CreditTopUp[]; canBuy: boolean }) {
  const { t, i18n } = useTranslation();
  const [chosen, setChosen] = useState<{ pack: TopUpPack; key: string } | null>(null);
  const [ordered, setOrdered] = useState<CreditTopUp | null>(null);
  const [buy, { loading, error, reset }] = useMutation(TOP_UP_MUTATION, { refetchQueries: [CREDITS_QUERY], awaitRefetchQueries: true });

  const open = (pack: TopUpPack) => {
    reset();
    // One key per confirmation dialog: a double click or a retry buys once.
    setChosen({ pack, key: crypto.randomUUID() });
  };
  const confirm = async () => {
    if (!chosen) return;
    const result = await buy({ variables: { packId: chosen.pack.id, idempotencyKey: chosen.key } }).catch(() => null);
    if (result?.data) {
      setOrdered(result.data.topUpCredits);
      setChosen(null);
    }
  };

  return (
    <Card withBorder radius="md" padding="lg" component="section" aria-labelledby="credits-topup-title">
      <Title order={2} fz="lg" mb={4} id="credits-topup-title">
        {t('credits.topUp.title')}
      </Title>
      <Text size="xs" c="dimmed" mb="md">
        {t('credits.topUp.subtitle')}
      </Text>
      {ordered ? (
        <Alert color="teal" variant="light" icon={<IconCircleCheck size={18} />} mb="md" withCloseButton onClose={() => setOrdered(null)} closeButtonLabel={t('common.close')}>
          {ordered.status === 'GRANTED'
            ? t('credits.topUp.granted', { credits: formatNumber(ordered.credits, i18n.language) })
            : t('credits.topUp.pending', { credits: formatNumber(ordered.credits, i18n.language) })}
        </Alert>
      ) : null}
      <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md">
        {packs.map((pack) => (
          <Card key={pack.id} withBorder radius="md" padding="md">
            <Stack gap={6}>
              <Text fw={800} fz={22} lh={1.1}>
                {t('credits.topUp.credits', { credits: formatNumber(pack.credits, i18n.language) })}
              </Text>
              <Text size="sm" c="dimmed">
                {pack.priceMinor === null ? t('credits.topUp.noPrice', { currency: pack.currency }) : formatPrice(pack.priceMinor, pack.currency, i18n.language)}
              </Text>
              <Button
                variant="light"
                size="sm"
                disabled={!canBuy || pack.priceMinor === null}
                onClick={() => open(pack)}
                aria-label={t('credits.topUp.buyPack', { credits: formatNumber(pack.credits, i18n.language) })}
              >
                {t('credits.topUp.buy')}
              </Button>
            </Stack>
          </Card>
        ))}
      </SimpleGrid>
      {!canBuy ? (
        <Text size="xs" c="dimmed" mt="xs">
          {t('credits.topUp.cannotBuy')}
        </Text>
      ) : null}

      <Title order={3} fz="sm" mt="lg" mb="xs">
        {t('credits.topUp.history')}
      </Title>
      {topUps.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t('credits.topUp.none')}
        </Text>
      ) : (
        <Table verticalSpacing={6} aria-label={t('credits.topUp.history')}>
          <Table.Tbody>
            {topUps.map((topUp) => (
              <Table.Tr key={topUp.id}>
                <Table.Td>
                  <Text size="sm">{formatDateTime(topUp.createdAt, i18n.language)}</Text>
                </Table.Td>
                <Table.Td ta="right">
                  <Text size="sm" fw={600} style={{ fontVariantNumeric: 'tabular-nums' }}>
                    +{formatNumber(topUp.credits, i18n.language)}
                  </Text>
                </Table.Td>
                <Table.Td ta="right">
                  <Badge variant="light" radius="sm" tt="none" color={STATUS_COLOR[topUp.status]}>
                    {t(`credits.topUp.status.${topUp.status}`)}
                  </Badge>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}

      <Modal opened={chosen !== null} onClose={() => setChosen(null)} title={chosen ? t('credits.topUp.confirmTitle', { credits: formatNumber(chosen.pack.credits, i18n.language) }) : ''} centered>
        {chosen ? (
          <Stack>
            <Text size="sm">
              {t('credits.topUp.confirmBody', { price: formatPrice(chosen.pack.priceMinor ?? 0, chosen.pack.currency, i18n.language) })}
            </Text>
            <ErrorAlert error={error} />
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setChosen(null)}>
                {t('credits.topUp.cancel')}
              </Button>
              <Button loading={loading} onClick={() => void confirm()}>
                {t('credits.topUp.confirm')}
              </Button>
            </Group>
          </Stack>
        ) : null}
      </Modal>
    </Card>
  );
}
