import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

export default defineConfig({
  // graphql must load once, or schemas "from another realm" are rejected.
  resolve: { alias: { graphql: require.resolve('graphql') } },
  test: {
    include: ['**/{test,__tests__,e2e}/**/*.spec.ts'],
    exclude: ['**/node_modules/**', '**/dist/**', '.data/**'],
    globalSetup: ['packages/testing/src/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 240_000,
    pool: 'forks',
    maxWorkers: 2,
    env: {
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      JWT_SECRET: 'test-jwt-secret-0123456789abcdefghijklmnop',
      GATEWAY_SECRET: 'test-gateway-secret-0123456789abcdefghijkl',
    },
  },
});
