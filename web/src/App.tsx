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
const StudioPage = lazy(() => import('./pages/StudioPage.tsx').then((m) => ({ default: m.StudioPage })));
const StudioStartPage = lazy(() => import('./pages/StudioPage.tsx').then((m) => ({ default: m.StudioStartPage })));
const PipelinePage = lazy(() => import('./pages/PipelinePage.tsx').then((m) => ({ default: m.PipelinePage })));
const CreditsPage = lazy(() => import('./pages/CreditsPage.tsx').then((m) => ({ default: m.CreditsPage })));
const TenantsPage = lazy(() => import('./pages/TenantsPage.tsx').then((m) => ({ default: m.TenantsPage })));
const PromptsPage = lazy(() => import('./pages/PromptsPage.tsx').then((m) => ({ default: m.PromptsPage })));

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
        <Route
          element={
            <RequireSession>
              <AppLayout />
            </RequireSession>
          }
        >
          <Route index element={<Home />} />
          <Route path="brand" element={<Page page="brand"><BrandPage /></Page>} />
          <Route path="prompts" element={<Page page="prompts"><PromptsPage /></Page>} />
          <Route path="studio" element={<Page page="studio"><StudioStartPage forceNew={false} /></Page>} />
          <Route path="studio/new" element={<Page page="studio"><StudioStartPage forceNew /></Page>} />
          <Route path="studio/:itemId" element={<Page page="studio"><StudioPage /></Page>} />
          <Route path="pipeline" element={<Page page="pipeline"><PipelinePage /></Page>} />
          <Route path="pipeline/:runId" element={<Page page="pipeline"><PipelinePage /></Page>} />
          <Route path="credits" element={<Page page="credits"><CreditsPage /></Page>} />
          <Route path="tenants" element={<Page page="tenants"><TenantsPage /></Page>} />
          <Route path="*" element={<NotFoundPage />} />
        </Route>
      </Routes>
    </BrowserRouter>
  );
}
