// Runs the gateway from the environment (see gatewayConfigFromEnv).
import { readSupergraphSdl } from '@ensemble/schema/supergraph';
import { subgraphUrlsFromEnv } from '@ensemble/schema/subgraphs';
import { secretFromEnv } from '@ensemble/tenancy/identity';
import { startGateway, DEFAULT_SUBGRAPH_TIMEOUT_MS, type GatewayOptions } from './server.ts';
import { limitsFromEnv } from './limits.ts';
import { webOriginsFromEnv } from './origins.ts';
import { logger } from './logger.ts';

function positiveInt(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer`);
  return n;
}

/**
 * PORT (4000), HOST (127.0.0.1), SUBGRAPH_{TENANTS,CONTENT,ANALYTICS,BILLING}_URL,
 * SUBGRAPH_TIMEOUT_MS (10000), WEB_ORIGINS, NODE_ENV=production, GRAPHQL_MAX_*,
 * SUPERGRAPH_PATH (schema/supergraph.graphql); JWT_SECRET and GATEWAY_SECRET are required.
 */
export function gatewayConfigFromEnv(env: NodeJS.ProcessEnv = process.env): GatewayOptions {
  return {
    port: positiveInt(env, 'PORT', 4000),
    host: env.HOST ?? '127.0.0.1',
    subgraphUrls: subgraphUrlsFromEnv(env),
    supergraphSdl: readSupergraphSdl(env.SUPERGRAPH_PATH || undefined),
    production: env.NODE_ENV === 'production',
    subgraphTimeoutMs: positiveInt(env, 'SUBGRAPH_TIMEOUT_MS', DEFAULT_SUBGRAPH_TIMEOUT_MS),
    webOrigins: webOriginsFromEnv(env),
    limits: limitsFromEnv(env),
  };
}

async function main(): Promise<void> {
  // Fail at start-up, not on the first request.
  secretFromEnv('JWT_SECRET');
  secretFromEnv('GATEWAY_SECRET');
  const running = await startGateway(gatewayConfigFromEnv());
  logger.info({ url: running.url }, 'gateway ready');
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      running.close().then(() => process.exit(0), (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      });
    });
  }
}

if (import.meta.main) {
  main().catch((error: unknown) => {
    logger.error({ err: error }, 'gateway failed to start');
    process.exit(1);
  });
}
