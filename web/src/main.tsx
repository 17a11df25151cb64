import '@mantine/core/styles.css';
import '@fontsource-variable/inter/index.css';
import { ApolloProvider } from '@apollo/client/react';
import { MantineProvider } from '@mantine/core';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import './i18n/i18n.ts';
import { App } from './App.tsx';
import { createApollo } from './apollo/client.ts';
import { RealtimeContext } from './apollo/realtime.ts';
import { resolveBranding } from './branding/branding.ts';
import { themeFor } from './branding/theme.ts';
import { BrandingContext } from './branding/useBranding.ts';
import { SessionProvider } from './modules/auth/SessionProvider.tsx';

const branding = resolveBranding(window.location.host);
document.title = branding.name;
const { client, realtime } = createApollo();

const root = document.getElementById('root');
if (!root) throw new Error('#root is missing from index.html');

createRoot(root).render(
  <StrictMode>
    <BrandingContext.Provider value={branding}>
      <MantineProvider theme={themeFor(branding)} defaultColorScheme="light">
        <ApolloProvider client={client}>
          <RealtimeContext.Provider value={realtime}>
            <SessionProvider>
              <App />
            </SessionProvider>
          </RealtimeContext.Provider>
        </ApolloProvider>
      </MantineProvider>
    </BrandingContext.Provider>
  </StrictMode>,
);
