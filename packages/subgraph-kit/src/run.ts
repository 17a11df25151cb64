// Entry point shared by the four subgraphs: connect, listen, stop cleanly.
import { createOrm } from '@ensemble/db/orm';
import { appUrl } from '@ensemble/db/connection';
import { PgPubSub } from './pubsub.ts';
import { startSubgraph, type RunningSubgraph, type SubgraphDefinition } from './server.ts';
import { logger } from './logger.ts';

export async function runSubgraph(def: SubgraphDefinition, port: number): Promise<RunningSubgraph> {
  const orm = await createOrm();
  const pubsub = new PgPubSub(appUrl(), `ensemble_${def.name}`);
  await pubsub.start();
  const running = await startSubgraph(def, { orm, pubsub, port, host: process.env.HOST ?? '127.0.0.1' });
  const stop = async () => {
    await running.close();
    await pubsub.close();
    await orm.close();
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      stop().then(() => process.exit(0), (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      });
    });
  }
  return { ...running, close: stop };
}
