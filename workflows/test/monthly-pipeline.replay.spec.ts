// Saved histories are replayed against the current workflow code: a change
// that would break runs already in flight (order or kind of commands without
// a patched() guard) fails here, before it ships. Regenerate the history with
// `npm run record-history -w @ensemble/workflows` only for intended changes.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils.js';
import { DefaultLogger, Runtime, Worker, bundleWorkflowCode } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import { workflowBundle } from '../src/worker.ts';

const HISTORY = new URL('./histories/monthly-pipeline.json', import.meta.url);

try {
  Runtime.install({ logger: new DefaultLogger('WARN') });
} catch {
  // installed already
}

async function history() {
  return historyFromJSON(JSON.parse(await readFile(HISTORY, 'utf8')));
}

describe('monthly pipeline history replay', () => {
  it('replays a completed run against the current workflow code', async () => {
    const saved = await history();
    expect(saved.events?.length).toBeGreaterThan(50);
    await Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, saved, 'monthly-pipeline-replay');
  }, 120_000);

  it('fails for a workflow whose step order changed without patched()', async () => {
    const reordered = await bundleWorkflowCode({
      workflowsPath: fileURLToPath(new URL('./fixtures/reordered-pipeline.workflow.ts', import.meta.url)),
      logger: new DefaultLogger('WARN'),
    });
    await expect(Worker.runReplayHistory({ workflowBundle: reordered }, await history(), 'monthly-pipeline-replay')).rejects.toBeInstanceOf(DeterminismViolationError);
  }, 120_000);
});
