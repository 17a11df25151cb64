import { Alert } from '@mantine/core';
import { IconLock } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useSession } from '../auth/useSession.ts';
import { NAVIGATION } from './navigation.ts';
import type { NavKey } from './navigation.ts';

/** Pages check the same rule as their navigation entry: a typed URL gets an explanation, not an error dump. */
export function RequirePermission({ page, children }: { page: NavKey; children: ReactNode }) {
  const { t } = useTranslation();
  const { viewer } = useSession();
  const entry = NAVIGATION.find((candidate) => candidate.key === page);
  if (!viewer || !entry || !entry.allowed(viewer)) {
    return (
      <Alert color="gray" variant="light" icon={<IconLock size={18} />} title={t('errors.noAccessTitle')}>
        {t('errors.forbidden')}
      </Alert>
    );
  }
  return <>{children}</>;
}
