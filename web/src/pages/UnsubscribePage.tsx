import { Alert, Box, Button, Center, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { useMutation } from '@apollo/client/react';
import { IconMailOff } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import { ErrorAlert } from '../modules/common/ErrorAlert.tsx';
import { UNSUBSCRIBE_MUTATION } from '../modules/contacts/contacts.graphql.ts';
import { LanguageSwitch } from '../modules/shell/LanguageSwitch.tsx';

/**
 * The public page of an e-mail's unsubscribe link (no account). Opening the
 * link changes nothing (mail scanners open links too, RFC 8058 §4): the
 * person confirms with one click. Mail clients use the one-click POST instead.
 */
export function UnsubscribePage() {
  const { t } = useTranslation();
  const { token = '' } = useParams();
  const [unsubscribe, { data, loading, error }] = useMutation(UNSUBSCRIBE_MUTATION);
  const done = data?.unsubscribe;
  return (
    <Box mih="100vh" bg="var(--mantine-color-gray-0)">
      <Group justify="flex-end" p="lg">
        <LanguageSwitch />
      </Group>
      <Center px="md" pb={80} pt={24}>
        <Paper withBorder shadow="md" radius="lg" p={40} w={460} maw="100%">
          <Stack gap="lg" align="center">
            <IconMailOff size={44} stroke={1.5} />
            <Title order={1} fz={24} ta="center">{t('unsubscribe.title')}</Title>
            {done ? (
              <Alert color="teal" variant="light" role="status" title={done.alreadyUnsubscribed ? t('unsubscribe.already') : t('unsubscribe.done')} w="100%">
                {t(done.channel === 'SMS' ? 'unsubscribe.doneSms' : 'unsubscribe.doneEmail', { sender: done.senderName })}
              </Alert>
            ) : (
              <>
                <Text ta="center" c="dimmed">{t('unsubscribe.question')}</Text>
                <Button size="md" color="red" loading={loading} onClick={() => void unsubscribe({ variables: { token } }).catch(() => null)}>
                  {t('unsubscribe.confirm')}
                </Button>
              </>
            )}
            <ErrorAlert error={error} />
          </Stack>
        </Paper>
      </Center>
    </Box>
  );
}
