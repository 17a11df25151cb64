// Hive Gateway's configuration for the gateway benchmark (loaded by its CLI
// with --config-path). Hive does not verify our JWTs: the benchmark sends it a
// pre-signed internal identity token, which it forwards to every subgraph.
// Everything else is Hive's default, including in-flight deduplication of
// identical subgraph queries (as our gateway's fetcher does).
import { defineConfig } from '@graphql-hive/gateway';

const IDENTITY_HEADER = 'x-ensemble-identity';

export const gatewayConfig = defineConfig({
  logging: 'error',
  propagateHeaders: {
    fromClientToSubgraphs: ({ request }) => ({ [IDENTITY_HEADER]: request.headers.get(IDENTITY_HEADER) }),
  },
});
