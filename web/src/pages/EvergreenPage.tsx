import { useTranslation } from 'react-i18next';
import { PageHeader } from '../modules/common/PageHeader.tsx';
import { EvergreenCandidates } from '../modules/evergreen/EvergreenCandidates.tsx';

/** C13: past content that still performs, proposed for a refresh and a republication. */
export function EvergreenPage() {
  const { t } = useTranslation();
  return (
    <>
      <PageHeader title={t('evergreen.title')} description={t('evergreen.description')} />
      <EvergreenCandidates />
    </>
  );
}
