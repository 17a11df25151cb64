import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The app talks only to /graphql on its own origin; the dev server and the
// preview server forward it (HTTP and the graphql-ws upgrade) to the gateway.
// GATEWAY_URL may be given with or without its /graphql path; the proxy keeps the request's own path.
const gateway = new URL(process.env.GATEWAY_URL ?? 'http://127.0.0.1:4000').origin;
const proxy = {
  '/graphql': { target: gateway, changeOrigin: true, ws: true },
  // Media uploads and signed media URLs (C7).
  '/uploads': { target: gateway, changeOrigin: true },
  '^/media/[0-9a-f-]{36}(\\?|$)': { target: gateway, changeOrigin: true },
};

export default defineConfig({
  plugins: [react()],
  server: { host: '127.0.0.1', port: Number(process.env.WEB_PORT ?? 5173), strictPort: true, proxy },
  preview: { host: '127.0.0.1', port: Number(process.env.WEB_PORT ?? 5173), strictPort: true, proxy },
  // Pages are lazy-loaded (src/App.tsx), so charts and the studio load only where used.
  build: { outDir: 'dist', chunkSizeWarningLimit: 700 },
});
