import { Box, Center, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useBranding } from '../branding/useBranding.ts';
import { currentLanguage } from '../i18n/i18n.ts';
import { LoginForm } from '../modules/auth/LoginForm.tsx';
import { BrandMark } from '../modules/shell/BrandLogo.tsx';
import { LanguageSwitch } from '../modules/shell/LanguageSwitch.tsx';

export function LoginPage() {
  const { t } = useTranslation();
  const branding = useBranding();
  return (
    <Box
      mih="100vh"
      style={{
        background: `radial-gradient(1200px 600px at 10% -10%, ${branding.primaryColor}22, transparent 60%), radial-gradient(900px 500px at 110% 110%, ${branding.accentColor}22, transparent 60%), var(--mantine-color-gray-0)`,
      }}
    >
      <Group justify="flex-end" p="lg">
        <LanguageSwitch />
      </Group>
      <Center px="md" pb={80} pt={24}>
        <Paper withBorder shadow="md" radius="lg" p={40} w={420} maw="100%">
          <Stack gap="xl">
            <Stack gap="xs" align="center">
              <BrandMark size={52} />
              <Title order={1} fz={28} ta="center">
                {t('login.title', { name: branding.name })}
              </Title>
              <Text c="dimmed" size="sm" ta="center">
                {branding.tagline[currentLanguage()]}
              </Text>
            </Stack>
            <LoginForm />
          </Stack>
        </Paper>
      </Center>
    </Box>
  );
}
