// A local HTTP server that speaks the providers' wire formats, for tests:
//   /<name>/v1/chat/completions  OpenAI chat completions (and OpenAI-compatible servers)
//   /mistral/v1/chat/completions Mistral chat completions
//   /<name>/v1/messages          Anthropic messages
//   /<name>/v1/audio/transcriptions OpenAI (and Mistral) speech to text: a
//                                multipart/form-data request, a JSON answer
// JSON answers, and server-sent events when the request asks to stream, as
// each provider sends them. Each path prefix has a queue of scripted replies
// (success, an HTTP error with headers, a hang, a stall mid-stream); with an
// empty queue it answers with a default text. Loopback only, bounded.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export type Reply =
  /** a transcription answers with `seconds` of audio, or with tokens when inputTokens is set */
  | { kind: 'ok'; text: string; inputTokens?: number; outputTokens?: number; omitUsage?: boolean; seconds?: number }
  | { kind: 'status'; status: number; headers?: Record<string, string>; message?: string }
  /** accepts the request and never answers */
  | { kind: 'hang' }
  /** streams the first part of the text, then goes silent */
  | { kind: 'stall'; text: string };

export interface RecordedRequest {
  prefix: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  /** the JSON body, or a multipart form's text fields */
  body: Record<string, unknown>;
  /** the uploaded file of a multipart form */
  file?: { name: string; type: string; bytes: Buffer };
}

export interface WireServer {
  url: string;
  /** base URL of a prefix as a provider row stores it ("…/v1" except Anthropic's) */
  baseUrl(prefix: string, dialect?: 'openai' | 'anthropic' | 'mistral'): string;
  script(prefix: string, ...replies: Reply[]): void;
  requests: RecordedRequest[];
  reset(): void;
  close(): Promise<void>;
}

const CREATED = 1_750_000_000;

function chunks(text: string, parts = 3): string[] {
  const size = Math.max(1, Math.ceil(text.length / parts));
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

function sse(res: ServerResponse, data: unknown, event?: string): void {
  res.write(`${event ? `event: ${event}\n` : ''}data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`);
}

function openSse(res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
}

type Dialect = 'openai' | 'mistral' | 'anthropic';

function errorBody(dialect: Dialect, status: number, message: string): unknown {
  if (dialect === 'anthropic') {
    const type = status === 401 ? 'authentication_error' : status === 403 ? 'permission_error' : status === 429 ? 'rate_limit_error' : status >= 500 ? 'api_error' : 'invalid_request_error';
    return { type: 'error', error: { type, message } };
  }
  if (dialect === 'mistral') return { object: 'error', message, type: status === 401 ? 'unauthorized' : 'invalid_request_error', param: null, code: String(status) };
  return { error: { message, type: status === 429 ? 'rate_limit_exceeded' : status === 401 ? 'invalid_request_error' : 'server_error', param: null, code: status === 401 ? 'invalid_api_key' : null } };
}

function transcriptionJson(dialect: Dialect, model: string, language: string | null, reply: Extract<Reply, { kind: 'ok' }>): unknown {
  if (dialect === 'mistral') {
    return {
      model, text: reply.text, language, segments: [],
      usage: { prompt_audio_seconds: reply.seconds ?? 5, prompt_tokens: reply.inputTokens ?? 0, completion_tokens: reply.outputTokens ?? 0, total_tokens: (reply.inputTokens ?? 0) + (reply.outputTokens ?? 0) },
    };
  }
  if (reply.omitUsage) return { text: reply.text };
  const usage = reply.inputTokens !== undefined
    ? { type: 'tokens', input_tokens: reply.inputTokens, output_tokens: reply.outputTokens ?? 0, total_tokens: reply.inputTokens + (reply.outputTokens ?? 0), input_token_details: { audio_tokens: reply.inputTokens, text_tokens: 0 } }
    : { type: 'duration', seconds: reply.seconds ?? 5 };
  return { text: reply.text, usage };
}

function okJson(dialect: Dialect, model: string, reply: Extract<Reply, { kind: 'ok' }>): unknown {
  const input = reply.inputTokens ?? 11;
  const output = reply.outputTokens ?? 7;
  if (dialect === 'anthropic') {
    return {
      id: 'msg_test', type: 'message', role: 'assistant', model, content: [{ type: 'text', text: reply.text }],
      stop_reason: 'end_turn', stop_sequence: null, usage: { input_tokens: input, output_tokens: output },
    };
  }
  return {
    id: dialect === 'mistral' ? 'cmpl-test' : 'chatcmpl-test', object: 'chat.completion', created: CREATED, model,
    choices: [{ index: 0, message: { role: 'assistant', content: reply.text, ...(dialect === 'openai' ? { refusal: null } : { tool_calls: null }) }, finish_reason: 'stop', ...(dialect === 'openai' ? { logprobs: null } : {}) }],
    ...(reply.omitUsage ? {} : { usage: { prompt_tokens: input, completion_tokens: output, total_tokens: input + output } }),
  };
}

/** Writes a stream; with `stallAfterFirst`, stops after the first text delta and leaves the response open. */
function stream(res: ServerResponse, dialect: Dialect, model: string, body: Record<string, unknown>, text: string, usage: { input: number; output: number } | null, stallAfterFirst: boolean): void {
  openSse(res);
  const parts = chunks(text);
  if (dialect === 'anthropic') {
    sse(res, { type: 'message_start', message: { id: 'msg_test', type: 'message', role: 'assistant', model, content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: usage?.input ?? 0, output_tokens: 1 } } }, 'message_start');
    sse(res, { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }, 'content_block_start');
    sse(res, { type: 'ping' }, 'ping');
    for (const [i, part] of parts.entries()) {
      sse(res, { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: part } }, 'content_block_delta');
      if (stallAfterFirst && i === 0) return;
    }
    sse(res, { type: 'content_block_stop', index: 0 }, 'content_block_stop');
    sse(res, { type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: usage?.output ?? parts.length } }, 'message_delta');
    sse(res, { type: 'message_stop' }, 'message_stop');
    res.end();
    return;
  }
  const id = dialect === 'mistral' ? 'cmpl-test' : 'chatcmpl-test';
  const chunk = (delta: Record<string, unknown>, finish: string | null, extra: Record<string, unknown> = {}) =>
    ({ id, object: 'chat.completion.chunk', created: CREATED, model, choices: [{ index: 0, delta, finish_reason: finish, ...(dialect === 'openai' ? { logprobs: null } : {}) }], ...extra });
  sse(res, chunk({ role: 'assistant', content: '' }, null));
  for (const [i, part] of parts.entries()) {
    sse(res, chunk({ content: part }, null));
    if (stallAfterFirst && i === 0) return;
  }
  const usageBody = usage ? { prompt_tokens: usage.input, completion_tokens: usage.output, total_tokens: usage.input + usage.output } : null;
  if (dialect === 'mistral') {
    // Mistral puts the usage on the last chunk.
    sse(res, chunk({ content: '' }, 'stop', usageBody ? { usage: usageBody } : {}));
  } else {
    sse(res, chunk({}, 'stop'));
    const options = body['stream_options'] as { include_usage?: boolean } | undefined;
    if (options?.include_usage && usageBody) sse(res, { id, object: 'chat.completion.chunk', created: CREATED, model, choices: [], usage: usageBody });
  }
  sse(res, '[DONE]');
  res.end();
}

export async function startWireServer(portRange: [number, number] = [56300, 56399]): Promise<WireServer> {
  const queues = new Map<string, Reply[]>();
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  const hanging = new Set<ServerResponse>();

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunksIn: Buffer[] = [];
    for await (const c of req) chunksIn.push(c as Buffer);
    const url = new URL(req.url ?? '/', 'http://localhost');
    const match = /^\/([a-z0-9_-]+)\/v1\/(chat\/completions|messages|audio\/transcriptions)$/.exec(url.pathname);
    if (req.method !== 'POST' || !match) {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: `no route ${req.method} ${url.pathname}` } }));
      return;
    }
    const prefix = match[1]!;
    const dialect: Dialect = match[2] === 'messages' ? 'anthropic' : prefix === 'mistral' ? 'mistral' : 'openai';
    const transcription = match[2] === 'audio/transcriptions';
    let body: Record<string, unknown> = {};
    let file: RecordedRequest['file'];
    try {
      if (transcription) {
        // The multipart wire format, parsed by the platform's own form-data reader (undici).
        const form = await new Request(`http://localhost${url.pathname}`, {
          method: 'POST', headers: { 'content-type': String(req.headers['content-type'] ?? '') }, body: Buffer.concat(chunksIn),
        }).formData();
        for (const [name, value] of form.entries()) {
          if (typeof value === 'string') body[name] = value;
          else file = { name: value.name, type: value.type, bytes: Buffer.from(await value.arrayBuffer()) };
        }
        if (!file || typeof body['model'] !== 'string') throw new Error('a transcription needs a file and a model');
      } else {
        body = JSON.parse(Buffer.concat(chunksIn).toString('utf8') || '{}') as Record<string, unknown>;
      }
    } catch (error) {
      res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify(errorBody(dialect, 400, (error as Error).message)));
      return;
    }
    requests.push({ prefix, path: url.pathname, headers: { ...req.headers }, body, ...(file ? { file } : {}) });
    const reply: Reply = queues.get(prefix)?.shift() ?? { kind: 'ok', text: `# Default from ${prefix}\n\nA plain answer.` };
    const model = typeof body['model'] === 'string' ? body['model'] : 'unknown';
    if (reply.kind === 'hang') {
      hanging.add(res);
      return;
    }
    if (reply.kind === 'status') {
      res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
      res.end(JSON.stringify(errorBody(dialect, reply.status, reply.message ?? `status ${reply.status}`)));
      return;
    }
    if (reply.kind === 'stall') {
      hanging.add(res);
      stream(res, dialect, model, body, reply.text, null, true);
      return;
    }
    const usage = reply.omitUsage ? null : { input: reply.inputTokens ?? 11, output: reply.outputTokens ?? 7 };
    if (transcription) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(transcriptionJson(dialect, model, typeof body['language'] === 'string' ? body['language'] : null, reply)));
      return;
    }
    if (body['stream'] === true) {
      stream(res, dialect, model, body, reply.text, usage, false);
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(okJson(dialect, model, reply)));
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500).end(String(error));
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  let port = 0;
  for (let attempt = 0; attempt < 50 && !port; attempt += 1) {
    const candidate = portRange[0] + Math.floor(Math.random() * (portRange[1] - portRange[0] + 1));
    port = await new Promise<number>((resolve) => {
      server.once('error', () => resolve(0));
      server.listen(candidate, '127.0.0.1', () => resolve(candidate));
    });
  }
  if (!port) throw new Error(`no free port in ${portRange.join('–')}`);
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    baseUrl: (prefix, dialect = 'openai') => (dialect === 'anthropic' ? `${url}/${prefix}` : `${url}/${prefix}/v1`),
    script(prefix, ...replies) {
      queues.set(prefix, [...(queues.get(prefix) ?? []), ...replies]);
    },
    requests,
    reset() {
      queues.clear();
      requests.length = 0;
      for (const res of hanging) res.destroy();
      hanging.clear();
    },
    async close() {
      for (const res of hanging) res.destroy();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
