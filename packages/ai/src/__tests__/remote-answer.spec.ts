// What every remote provider adapter makes of a model's answer (remoteAnswer).
import { describe, expect, it } from 'vitest';
import { ProviderCallError, remoteAnswer, type CompletionRequest, type ProviderConfig } from '../providers/provider.ts';

const config: ProviderConfig = { kind: 'openai_compatible', code: 'lab', name: 'vLLM', baseUrl: 'http://127.0.0.1:1/v1', apiKey: null };
const request = (signal = new AbortController().signal): CompletionRequest => ({
  model: 'm', prompt: { system: 'Be brief.', messages: [{ role: 'user', content: 'Say something about bread.' }] }, maxTokens: 50, stream: true, signal, timeoutMs: 1000,
});

function refusal(run: () => unknown): { kind: string; message: string } {
  try {
    run();
  } catch (error) {
    if (error instanceof ProviderCallError) return { kind: error.kind, message: error.message };
    throw error;
  }
  throw new Error('expected a ProviderCallError');
}

describe('remoteAnswer', () => {
  it('keeps the counts the provider reported', () => {
    expect(remoteAnswer(config, request(), { text: 'Du levain.', inputTokens: 12, outputTokens: 4, finishReason: 'stop', streamed: true }))
      .toEqual({ text: 'Du levain.', inputTokens: 12, outputTokens: 4, estimatedUsage: false, offline: false, finishReason: 'stop' });
  });

  it('estimates a count the provider left out, and says so', () => {
    const result = remoteAnswer(config, request(), { text: 'x'.repeat(40), inputTokens: 12, outputTokens: undefined, finishReason: undefined, streamed: false });
    expect(result).toMatchObject({ inputTokens: 12, outputTokens: 10, estimatedUsage: true, finishReason: null });
  });

  it('calls an empty answer a bad response, and a stream cut by the deadline a timeout', () => {
    expect(refusal(() => remoteAnswer(config, request(), { text: ' \n', inputTokens: 1, outputTokens: 1, finishReason: 'stop', streamed: false })))
      .toEqual({ kind: 'bad_response', message: 'vLLM (lab) returned no text' });
    expect(refusal(() => remoteAnswer(config, request(), { text: '', inputTokens: null, outputTokens: null, finishReason: null, streamed: true })))
      .toEqual({ kind: 'bad_response', message: 'vLLM (lab) streamed no text' });
    const deadline = new AbortController();
    deadline.abort();
    expect(refusal(() => remoteAnswer(config, request(deadline.signal), { text: 'Du lev', inputTokens: null, outputTokens: null, finishReason: null, streamed: true })))
      .toEqual({ kind: 'timeout', message: 'vLLM (lab) stopped answering mid-stream' });
  });
});
