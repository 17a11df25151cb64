import type { SubgraphDefinition } from '@ensemble/subgraph-kit/server';
import { modules } from './modules.ts';

export const definition: SubgraphDefinition = { name: 'analytics', modules };
