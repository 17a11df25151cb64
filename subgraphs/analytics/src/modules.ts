import type { SubgraphModule } from '@ensemble/subgraph-kit/schema';
import { eventsModule } from './events/events.resolver.ts';

export const modules: SubgraphModule[] = [eventsModule];
