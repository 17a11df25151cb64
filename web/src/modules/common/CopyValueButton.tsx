import { Button, CopyButton } from '@mantine/core';
import { IconCheck, IconCopy } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';

/** A small button that copies `value` and says so for a moment. */
export function CopyValueButton({ value, label, variant = 'light' }: { value: string; label?: string; variant?: 'light' | 'default' }) {
  const { t } = useTranslation();
  return (
    <CopyButton value={value}>
      {({ copied, copy }) => (
        <Button size="xs" variant={variant} leftSection={copied ? <IconCheck size={14} /> : <IconCopy size={14} />} onClick={copy}>
          {copied ? t('common.copied') : (label ?? t('common.copy'))}
        </Button>
      )}
    </CopyButton>
  );
}
