import { lazy, Suspense } from 'react';
import type { ReactNode } from 'react';
import { BrowserRouter, Navigate, Route, Routes, useLocation } from 'react-router';
import { useSession } from './modules/auth/useSession.ts';
import { FullPageLoader, RequireSession } from './modules/auth/RequireSession.tsx';
import { PageLoader } from './modules/common/PageLoader.tsx';
import { AppLayout } from './modules/shell/AppLayout.tsx';
import { RequirePermission } from './modules/shell/RequirePermission.tsx';
import { allowedNavigation } from './modules/shell/navigation.ts';
import type { NavKey } from './modules/shell/navigation.ts';
import { LoginPage } from './pages/LoginPage.tsx';
import { NotFoundPage } from './pages/NotFoundPage.tsx';

// Each page is its own chunk: the chart library loads with the credits page only.
const BrandPage = lazy(() => import('./pages/BrandPage.tsx').then((m) => ({ default: m.BrandPage })));
const OnboardingPage = lazy(() => import('./pages/OnboardingPage.tsx').then((m) => ({ default: m.OnboardingPage })));
const StudioPage = lazy(() => import('./pages/StudioPage.tsx').then((m) => ({ default: m.StudioPage })));
const StudioStartPage = lazy(() => import('./pages/StudioPage.tsx').then((m) => ({ default: m.StudioStartPage })));
const MediaPage = lazy(() => import('./pages/MediaPage.tsx').then((m) => ({ default: m.MediaPage })));
const PipelinePage = lazy(() => import('./pages/PipelinePage.tsx').then((m) => ({ default: m.PipelinePage })));
const PublicationsPage = lazy(() => import('./pages/PublicationsPage.tsx').then((m) => ({ default: m.PublicationsPage })));
const ContactsPage = lazy(() => import('./pages/ContactsPage.tsx').then((m) => ({ default: m.ContactsPage })));
const UnsubscribePage = lazy(() => import('./pages/UnsubscribePage.tsx').then((m) => ({ default: m.UnsubscribePage })));
const CalendarPage = lazy(() => import('./pages/CalendarPage.tsx').then((m) => ({ default: m.CalendarPage })));
const ApprovalsPage = lazy(() => import('./pages/ApprovalsPage.tsx').then((m) => ({ default: m.ApprovalsPage })));
const ExternalApprovalPage = lazy(() => import('./pages/ExternalApprovalPage.tsx').then((m) => ({ default: m.ExternalApprovalPage })));
const CreditsPage = lazy(() => import('./pages/CreditsPage.tsx').then((m) => ({ default: m.CreditsPage })));
const ClientCreditsPage = lazy(() => import('./pages/ClientCreditsPage.tsx').then((m) => ({ default: m.ClientCreditsPage })));
const TenantsPage = lazy(() => import('./pages/TenantsPage.tsx').then((m) => ({ default: m.TenantsPage })));
const PromptsPage = lazy(() => import('./pages/PromptsPage.tsx').then((m) => ({ default: m.PromptsPage })));
const AdminAiPage = lazy(() => import('./pages/AdminAiPage.tsx').then((m) => ({ default: m.AdminAiPage })));
const AdminSettingsPage = lazy(() => import('./pages/AdminSettingsPage.tsx').then((m) => ({ default: m.AdminSettingsPage })));
const CompetitorsPage = lazy(() => import('./pages/CompetitorsPage.tsx').then((m) => ({ default: m.CompetitorsPage })));
const EvergreenPage = lazy(() => import('./pages/EvergreenPage.tsx').then((m) => ({ default: m.EvergreenPage })));

function Page({ page, children }: { page: NavKey; children: ReactNode }) {
  return (
    <RequirePermission page={page}>
      <Suspense fallback={<PageLoader />}>{children}</Suspense>
    </RequirePermission>
  );
}

/** "/" opens the first page the viewer may use. */
function Home() {
  const { viewer } = useSession();
  const first = viewer ? allowedNavigation(viewer)[0] : undefined;
  return first ? <Navigate to={first.path} replace /> : <NotFoundPage />;
}

function LoginRoute() {
  const { status } = useSession();
  const location = useLocation();
  if (status === 'restoring') return <FullPageLoader />;
  if (status === 'authenticated') {
    const from = (location.state as { from?: string } | null)?.from;
    return <Navigate to={from && from !== '/login' ? from : '/'} replace />;
  }
  return <LoginPage />;
}

export function App() {
  return (
    <BrowserRouter>
      <Routes>
        <Route path="/login" element={<LoginRoute />} />
        {/* C8: the unsubscribe link of an e-mail, for people without an account */}
        <Route path="/u/:token" element={<Suspense fallback={<FullPageLoader />}><UnsubscribePage /></Suspense>} />
        <Route path="/approve/:token" element={<Suspense fallback={<FullPageLoader />}><ExternalApprovalPage /></Suspense>} />
        <Route
          element={
            <RequireSession>
              <AppLayout />
            </RequireSession>
          }
        >
          <Route index element={<Home />} />
          <Route path="brand" element={<Page page="brand"><BrandPage /></Page>} />
          <Route path="onboarding" element={<Page page="onboarding"><OnboardingPage /></Page>} />
          <Route path="prompts" element={<Page page="prompts"><PromptsPage /></Page>} />
          <Route path="studio" element={<Page page="studio"><StudioStartPage forceNew={false} /></Page>} />
          <Route path="studio/new" element={<Page page="studio"><StudioStartPage forceNew /></Page>} />
          <Route path="studio/:itemId" element={<Page page="studio"><StudioPage /></Page>} />
          <Route path="calendar" element={<Page page="calendar"><CalendarPage /></Page>} />
          <Route path="approvals" element={<Page page="approvals"><ApprovalsPage /></Page>} />
          <Route path="media" element={<Page page="media"><MediaPage /></Page>} />
          <Route path="pipeline" element={<Page page="pipeline"><PipelinePage /></Page>} />
          <Route path="pipeline/:runId" element={<Page page="pipeline"><PipelinePage /></Page>} />
          <Route path="credits" element={<Page page="credits"><CreditsPage /></Page>} />
          <Route path="client-credits" element={<Page page="clientCredits"><ClientCreditsPage /></Page>} />
          <Route path="tenants" element={<Page page="tenants"><TenantsPage /></Page>} />
          <Route path="admin/ai" element={<Navigate to="/admin/ai/providers" replace />} />
          <Route path="admin/ai/:tab" element={<Page page="aiAdmin"><AdminAiPage /></Page>} />
          <Route path="settings" element={<Page page="settings"><AdminSettingsPage /></Page>} />
          <Route path="publications" element={<Page page="publications"><PublicationsPage /></Page>} />
          <Route path="publications/:itemId" element={<Page page="publications"><PublicationsPage /></Page>} />
          <Route path="contacts" element={<Page page="contacts"><ContactsPage /></Page>} />
          <Route path="competitors" element={<Page page="competitors"><CompetitorsPage /></Page>} />
          <Route path="evergreen" element={<Page page="evergreen"><EvergreenPage /></Page>} />
          <Route path="*" element={<NotFoundPage />} />
        </Route>
      </Routes>
    </BrowserRouter>
  );
}
