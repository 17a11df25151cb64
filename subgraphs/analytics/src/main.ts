import { runSubgraph } from '@ensemble/subgraph-kit/run';
import { definition } from './subgraph.ts';

await runSubgraph(definition, Number(process.env.PORT ?? 4003));
