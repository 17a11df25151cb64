// Transport for pipeline.graphql: identity from the context, the tenant never
// from an argument, enum case mapping (DB lowercase ↔ GraphQL UPPERCASE);
// everything else lives in pipeline.service.ts.
import type { Client } from '@temporalio/client';
import type { RequestContext } from '@ensemble/subgraph-kit/context';
import { readSdl, type SubgraphModule } from '@ensemble/subgraph-kit/schema';
import { pipelineProgressTopic } from '@ensemble/workflow-contracts/pipeline';
import { findRun, listRuns, requireRun, retryFailedStep, startMonthlyPipeline, type PipelineRunView, type PipelineStepView } from './pipeline.service.ts';

export interface PipelineModuleDeps {
  temporal: Client;
  /** defaults to TEMPORAL_TASK_QUEUE, then the contracts' TASK_QUEUE */
  taskQueue?: string;
}

/** Pushes the run as it advances: its current state first, then after every progress event; ends when the run is over. */
async function* progressStream(ctx: RequestContext, first: PipelineRunView): AsyncGenerator<PipelineRunView> {
  // Listen before reading again, so no event falls between the read and the listen.
  const events = ctx.pubsub.subscribe<unknown>(pipelineProgressTopic(first.tenantId, first.id));
  try {
    let run = (await ctx.tx(({ em }) => findRun(em, first.id))) ?? first;
    yield run;
    if (run.status !== 'running') return;
    for await (const _event of events) {
      run = await ctx.tx(({ em }) => requireRun(em, first.id));
      yield run;
      if (run.status !== 'running') return;
    }
  } finally {
    await events.return?.();
  }
}

export function pipelineModule(deps: PipelineModuleDeps): SubgraphModule {
  return {
    sdl: readSdl(new URL('./pipeline.graphql', import.meta.url)),
    resolvers: {
      Query: {
        pipelineRun: (_: unknown, args: { id: string }, ctx: RequestContext) => ctx.tx(({ em }) => requireRun(em, args.id)),
        pipelineRuns: (_: unknown, _args: unknown, ctx: RequestContext) => ctx.tx(({ em, tenantId }) => listRuns(em, tenantId)),
      },
      Mutation: {
        startMonthlyPipeline: (_: unknown, args: { month?: string | null }, ctx: RequestContext) =>
          startMonthlyPipeline({ temporal: deps.temporal, taskQueue: deps.taskQueue }, (fn) => ctx.tx(fn), {
            requestedBy: ctx.identity.actorId,
            month: args.month,
          }),
        retryPipelineStep: (_: unknown, args: { runId: string }, ctx: RequestContext) =>
          retryFailedStep({ temporal: deps.temporal, taskQueue: deps.taskQueue }, (fn) => ctx.tx(fn), {
            runId: args.runId,
            requestedBy: ctx.identity.actorId,
          }),
      },
      Subscription: {
        pipelineProgress: {
          subscribe: async (_: unknown, args: { runId: string }, ctx: RequestContext) => {
            // Existence inside the caller's scope first: another tenant's run is NOT_FOUND.
            const run = await ctx.tx(({ em }) => requireRun(em, args.runId));
            return progressStream(ctx, run);
          },
          resolve: (payload: PipelineRunView) => payload,
        },
      },
      PipelineRun: {
        __resolveReference: (ref: { id: string }, ctx: RequestContext) => ctx.tx(({ em }) => findRun(em, ref.id)),
        status: (run: PipelineRunView) => run.status.toUpperCase(),
      },
      PipelineStep: {
        step: (step: PipelineStepView) => step.step.toUpperCase(),
        status: (step: PipelineStepView) => step.status.toUpperCase(),
      },
    },
  };
}
