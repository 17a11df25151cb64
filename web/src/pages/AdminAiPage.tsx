import { Tabs } from '@mantine/core';
import { IconChartBar, IconCpu, IconPlugConnected, IconRoute } from '@tabler/icons-react';
import { Navigate, useNavigate, useParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { PageHeader } from '../modules/common/PageHeader.tsx';
import { ModelsPanel } from '../modules/admin/ModelsPanel.tsx';
import { ProvidersPanel } from '../modules/admin/ProvidersPanel.tsx';
import { RoutesPanel } from '../modules/admin/RoutesPanel.tsx';
import { UsagePanel } from '../modules/admin/UsagePanel.tsx';

const TABS = ['providers', 'models', 'routes', 'usage'] as const;
type Tab = (typeof TABS)[number];
const ICONS = { providers: IconPlugConnected, models: IconCpu, routes: IconRoute, usage: IconChartBar } as const;

/** The super admin's AI area: one tab per concern, the tab in the URL (/admin/ai/<tab>). */
export function AdminAiPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { tab } = useParams<{ tab: string }>();
  if (!(TABS as readonly string[]).includes(tab ?? '')) return <Navigate to="/admin/ai/providers" replace />;
  const current = tab as Tab;
  return (
    <>
      <PageHeader title={t('aiAdmin.title')} description={t('aiAdmin.subtitle')} />
      <Tabs value={current} onChange={(value) => { if (value) void navigate(`/admin/ai/${value}`); }} keepMounted={false}>
        <Tabs.List mb="lg">
          {TABS.map((name) => {
            const Icon = ICONS[name];
            return (
              <Tabs.Tab key={name} value={name} leftSection={<Icon size={16} />}>
                {t(`aiAdmin.tabs.${name}`)}
              </Tabs.Tab>
            );
          })}
        </Tabs.List>
        <Tabs.Panel value="providers"><ProvidersPanel /></Tabs.Panel>
        <Tabs.Panel value="models"><ModelsPanel /></Tabs.Panel>
        <Tabs.Panel value="routes"><RoutesPanel /></Tabs.Panel>
        <Tabs.Panel value="usage"><UsagePanel /></Tabs.Panel>
      </Tabs>
    </>
  );
}
