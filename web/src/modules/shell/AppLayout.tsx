import { AppShell, Avatar, Badge, Burger, Button, Group, NavLink, Stack, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconLogout } from '@tabler/icons-react';
import { NavLink as RouterNavLink, Outlet, useLocation } from 'react-router';
import { useTranslation } from 'react-i18next';
import { useSession } from '../auth/useSession.ts';
import { BrandLogo } from './BrandLogo.tsx';
import { LanguageSwitch } from './LanguageSwitch.tsx';
import { allowedNavigation } from './navigation.ts';
import { useRoleLabel } from './useRoleLabel.ts';
import { UnreadAlertsBadge } from '../watch/UnreadAlertsBadge.tsx';

function initials(name: string): string {
  return name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((part) => part[0]?.toUpperCase() ?? '')
    .join('');
}

export function AppLayout() {
  const { t } = useTranslation();
  const { viewer, logout } = useSession();
  const location = useLocation();
  const [opened, { toggle, close }] = useDisclosure(false);
  const roleLabel = useRoleLabel();
  if (!viewer) return null;
  const entries = allowedNavigation(viewer);
  const person = viewer.user?.displayName ?? viewer.user?.email ?? '';

  return (
    <AppShell header={{ height: 64 }} navbar={{ width: 240, breakpoint: 'sm', collapsed: { mobile: !opened } }} padding="xl">
      <AppShell.Header px="lg">
        <Group h="100%" justify="space-between" wrap="nowrap">
          <Group gap="md" wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label={t('shell.toggleNavigation')} />
            <BrandLogo size={30} />
            <Text c="dimmed" visibleFrom="md" aria-hidden="true">
              /
            </Text>
            <Stack gap={0} visibleFrom="md">
              <Text fw={600} size="sm" lh={1.2} data-testid="tenant-name">
                {viewer.tenant.name}
              </Text>
              <Text size="xs" c="dimmed" lh={1.2}>
                {t(`tenantKinds.${viewer.tenant.kind}`)}
              </Text>
            </Stack>
          </Group>
          <Group gap="md" wrap="nowrap">
            <LanguageSwitch />
            <Group gap="xs" wrap="nowrap" visibleFrom="sm">
              <Avatar radius="xl" size={34} color="brand" variant="light">
                {initials(person)}
              </Avatar>
              <Stack gap={2}>
                <Text size="sm" fw={500} lh={1.1}>
                  {person}
                </Text>
                <Badge size="xs" variant="light" radius="sm">
                  {roleLabel(viewer.role)}
                </Badge>
              </Stack>
            </Group>
            <Button variant="default" size="sm" leftSection={<IconLogout size={16} />} onClick={() => void logout()}>
              {t('shell.logout')}
            </Button>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="md">
        <nav aria-label={t('shell.mainNavigation')}>
          <Stack gap={4}>
            {entries.map((entry) => (
              <NavLink
                key={entry.key}
                component={RouterNavLink}
                to={entry.path}
                label={t(`nav.${entry.key}`)}
                leftSection={<entry.icon size={18} stroke={1.7} />}
                rightSection={entry.key === 'competitors' ? <UnreadAlertsBadge /> : undefined}
                active={location.pathname === entry.path || location.pathname.startsWith(`${entry.path}/`)}
                onClick={close}
                style={{ borderRadius: 8 }}
                fw={500}
              />
            ))}
          </Stack>
        </nav>
      </AppShell.Navbar>
      <AppShell.Main bg="var(--mantine-color-gray-0)">
        <div style={{ maxWidth: 1280, margin: '0 auto' }}>
          <Outlet />
        </div>
      </AppShell.Main>
    </AppShell>
  );
}
