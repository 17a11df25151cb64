import { Button, Center, Loader, Stack, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router';
import { useTranslation } from 'react-i18next';
import { useSession } from './useSession.ts';

export function FullPageLoader() {
  const { t } = useTranslation();
  return (
    <Center h="100vh">
      <Loader aria-label={t('common.loading')} />
    </Center>
  );
}

/** Renders its children for a signed-in viewer; otherwise waits, offers a retry, or sends to the sign-in page. */
export function RequireSession({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  const { status, viewer, retry } = useSession();
  const location = useLocation();
  if (status === 'restoring') return <FullPageLoader />;
  if (status === 'unreachable') {
    return (
      <Center h="100vh">
        <Stack align="center" gap="sm">
          <Text fw={600}>{t('errors.network')}</Text>
          <Button onClick={retry}>{t('common.retry')}</Button>
        </Stack>
      </Center>
    );
  }
  if (status === 'anonymous') return <Navigate to="/login" replace state={{ from: location.pathname }} />;
  if (!viewer) return <FullPageLoader />;
  return <>{children}</>;
}
