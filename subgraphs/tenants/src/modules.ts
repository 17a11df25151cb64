import type { SubgraphModule } from '@ensemble/subgraph-kit/schema';
import { authModule } from './auth/auth.resolver.ts';
import { tenantModule } from './tenant/tenant.resolver.ts';
import { brandDnaModule } from './brand/brand-dna.resolver.ts';
import { apiKeyModule } from './api-key/api-key.resolver.ts';
import { promptModule } from './prompt/prompt.resolver.ts';
import { aiModule } from './ai/ai.resolver.ts';

export const modules: SubgraphModule[] = [authModule, tenantModule, brandDnaModule, apiKeyModule, promptModule, aiModule];
