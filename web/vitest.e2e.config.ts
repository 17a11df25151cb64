// Runs the browser test alone: `npm run e2e -w @ensemble/web` (or
// `npx vitest run --config web/vitest.e2e.config.ts` from the root).
// The root vitest.config.ts also picks up web/e2e/*.spec.ts in `npm test`.
import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

export default defineConfig({
  // graphql must load once (the stack's seed and helpers import it).
  resolve: { alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }] },
  test: {
    root: import.meta.dirname,
    include: ['e2e/**/*.spec.ts'],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    pool: 'forks',
    fileParallelism: false,
    env: { NODE_ENV: 'test', LOG_LEVEL: 'warn' },
  },
});
