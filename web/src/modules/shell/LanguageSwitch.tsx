import { SegmentedControl, VisuallyHidden } from '@mantine/core';
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { chooseLanguage, currentLanguage, LANGUAGES } from '../../i18n/i18n.ts';
import type { Language } from '../../i18n/i18n.ts';

export function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  const labelId = useId();
  void i18n.language; // re-render on language change
  return (
    <div role="group" aria-labelledby={labelId}>
      <VisuallyHidden id={labelId}>{t('shell.language')}</VisuallyHidden>
      <SegmentedControl
        size="xs"
        radius="xl"
        value={currentLanguage()}
        onChange={(value) => chooseLanguage(value as Language)}
        data={LANGUAGES.map((language) => ({ value: language, label: t(`languages.${language}`) }))}
      />
    </div>
  );
}
