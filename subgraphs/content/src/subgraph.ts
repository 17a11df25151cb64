import type { SubgraphDefinition } from '@ensemble/subgraph-kit/server';
import { modules } from './modules.ts';
import { mediaRoutes } from './media/media.routes.ts';

export const definition: SubgraphDefinition = { name: 'content', modules, internalRoutes: mediaRoutes };
