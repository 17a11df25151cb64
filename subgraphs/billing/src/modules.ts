import type { SubgraphModule } from '@ensemble/subgraph-kit/schema';
import { creditsModule } from './credits/credits.resolver.ts';

export const modules: SubgraphModule[] = [creditsModule];
