import { Stack } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useSession } from '../modules/auth/useSession.ts';
import { ModelChoiceCard } from '../modules/admin/ModelChoiceCard.tsx';
import { PageHeader } from '../modules/common/PageHeader.tsx';

/** A client workspace's own settings (its administrators change them). */
export function AdminSettingsPage() {
  const { t } = useTranslation();
  const { viewer } = useSession();
  return (
    <>
      <PageHeader title={t('settings.title')} description={t('settings.subtitle')} />
      <Stack maw={720}>
        <ModelChoiceCard canChange={viewer?.permissions.includes('billing:manage') ?? false} />
      </Stack>
    </>
  );
}
