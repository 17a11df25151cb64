import { Client, Connection } from '@temporalio/client';
import type { SubgraphModule } from '@ensemble/subgraph-kit/schema';
import { authModule } from './auth/auth.resolver.ts';
import { tenantModule } from './tenant/tenant.resolver.ts';
import { brandDnaModule } from './brand/brand-dna.resolver.ts';
import { apiKeyModule } from './api-key/api-key.resolver.ts';
import { promptModule } from './prompt/prompt.resolver.ts';
import { aiModule } from './ai/ai.resolver.ts';
import { onboardingModule } from './onboarding/onboarding.resolver.ts';

// Connects on first use, so importing the modules (e.g. to compose the
// supergraph) needs no Temporal server.
const temporal = new Client({
  connection: Connection.lazy({ address: process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233' }),
  namespace: process.env.TEMPORAL_NAMESPACE ?? 'default',
});

export const modules: SubgraphModule[] = [authModule, tenantModule, brandDnaModule, apiKeyModule, promptModule, aiModule, onboardingModule({ temporal })];
