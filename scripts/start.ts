// `npm start`: the whole product on embedded defaults, with demo data, then a
// demo client's monthly pipeline run through the public API, live.
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { startStack } from './stack.ts';

const log = (line: string) => console.log(`  ${line}`);
console.log('Starting Ensemble…');
const stack = await startStack({ log, databaseUrl: process.env.DATABASE_URL, temporalAddress: process.env.TEMPORAL_ADDRESS });

let stopping = false;
async function shutdown(code: number) {
  if (stopping) return;
  stopping = true;
  console.log('\nStopping Ensemble…');
  await stack.stop();
  process.exit(code);
}
process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));

console.log(`
Ensemble is running.
  Web app         ${stack.webUrl}
  GraphQL         ${stack.gatewayUrl}  (HTTP and WebSocket)
  Temporal UI     ${stack.temporalUiUrl ?? '(external Temporal: see TEMPORAL_ADDRESS)'}
  Mail catcher    ${stack.mailUrl ?? '(external SMTP: see SMTP_URL)'}

Demo logins (password: ${stack.demo.password})`);
for (const [role, login] of Object.entries(stack.demo.logins)) console.log(`  ${role.padEnd(18)} ${login.email}`);

async function gql<T>(query: string, variables: Record<string, unknown>, token?: string): Promise<T> {
  const res = await fetch(stack.gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: T; errors?: { message: string }[] };
  if (body.errors?.length) throw new Error(body.errors.map((e) => e.message).join('; '));
  return body.data!;
}

async function runDemoPipeline(): Promise<void> {
  const { email } = stack.demo.logins.clientAdmin;
  const { login } = await gql<{ login: { accessToken: string; viewer: { tenant: { name: string } } } }>(
    'mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken viewer { tenant { name } } } }',
    { e: email, p: stack.demo.password });
  const { startMonthlyPipeline: run } = await gql<{ startMonthlyPipeline: { id: string; month: string; status: string } }>(
    'mutation { startMonthlyPipeline { id month status } }', {}, login.accessToken);
  console.log(`\nMonthly pipeline of ${login.viewer.tenant.name} for ${run.month} (run ${run.id}):`);
  const ws = createClient({ url: stack.gatewayUrl.replace(/^http/, 'ws'), webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${login.accessToken}` } });
  const seen = new Map<string, string>();
  try {
    const events = ws.iterate<{ pipelineProgress: { status: string; steps: { step: string; status: string; result: unknown }[] } }>({
      query: 'subscription($id: ID!) { pipelineProgress(runId: $id) { status steps { step status result } } }',
      variables: { id: run.id },
    });
    for await (const event of events) {
      const progress = event.data?.pipelineProgress;
      if (!progress) continue;
      for (const step of progress.steps) {
        if (seen.get(step.step) === step.status) continue;
        seen.set(step.step, step.status);
        console.log(`  ${step.step.toLowerCase().padEnd(12)} ${step.status.toLowerCase()}${step.status === 'COMPLETED' ? `  ${JSON.stringify(step.result).slice(0, 110)}` : ''}`);
      }
      if (progress.status !== 'RUNNING') {
        console.log(`Pipeline ${progress.status.toLowerCase()}. Open ${stack.webUrl} to see it.`);
        break;
      }
    }
  } finally {
    await ws.dispose();
  }
}

try {
  await runDemoPipeline();
} catch (error) {
  console.error(`Demo pipeline failed: ${(error as Error).message}`);
}
console.log('\nPress Ctrl-C to stop.');
