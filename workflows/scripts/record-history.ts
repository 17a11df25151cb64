// Records the history of a completed monthly pipeline run into
// workflows/test/histories/monthly-pipeline.json, for the replay test.
// Real servers: DATABASE_URL (default 127.0.0.1:5432) gets a scratch
// database, TEMPORAL_ADDRESS (default: a dev server started here).
//   npm run record-history -w @ensemble/workflows
import { writeFile } from 'node:fs/promises';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { DEMO } from '@ensemble/db/seed';
import { MONTHLY_PIPELINE_WORKFLOW, monthlyPipelineWorkflowId, type MonthlyPipelineInput } from '@ensemble/workflow-contracts/pipeline';
import { startPipelineHarness } from '../test/harness.ts';

const OUT = new URL('../test/histories/monthly-pipeline.json', import.meta.url);
const month = process.argv[2] ?? '2026-01';

const h = await startPipelineHarness({ label: 'history' });
try {
  const tenantId = DEMO.tenants.bakery;
  const input: MonthlyPipelineInput = { tenantId, month, trigger: 'manual', requestedBy: null };
  const handle = await h.temporal.workflow.start(MONTHLY_PIPELINE_WORKFLOW, {
    taskQueue: h.taskQueue,
    workflowId: monthlyPipelineWorkflowId(tenantId, month),
    args: [input],
    workflowIdConflictPolicy: 'USE_EXISTING',
  });
  const result = await handle.result();
  const history = await handle.fetchHistory();
  await writeFile(OUT, `${JSON.stringify(JSON.parse(historyToJSON(history)), null, 1)}\n`);
  console.log(`run ${result.runId}: ${result.status}, ${history.events?.length} events → ${OUT.pathname}`);
} finally {
  await h.stop();
}
