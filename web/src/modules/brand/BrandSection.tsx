import { Card, Group, Text, ThemeIcon, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import type { Icon } from '@tabler/icons-react';

export function BrandSection({ title, icon: SectionIcon, empty, children }: { title: string; icon: Icon; empty: boolean; children: ReactNode }) {
  const { t } = useTranslation();
  const headingId = useId();
  return (
    <Card withBorder radius="md" padding="lg" component="section" aria-labelledby={headingId} h="100%">
      <Group gap="sm" mb="md">
        <ThemeIcon variant="light" radius="md" size={30}>
          <SectionIcon size={17} stroke={1.8} />
        </ThemeIcon>
        <Title order={2} fz="lg" id={headingId}>
          {title}
        </Title>
      </Group>
      {empty ? (
        <Text size="sm" c="dimmed" fs="italic">
          {t('brand.notSpecified')}
        </Text>
      ) : (
        children
      )}
    </Card>
  );
}
