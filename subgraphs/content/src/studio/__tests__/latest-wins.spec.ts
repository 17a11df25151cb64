import { describe, expect, it } from 'vitest';
import { latestWins } from '../latest-wins.ts';

interface Job {
  revision: number;
  text: string;
}

/** A scheduler the test turns by hand, instead of setImmediate. */
function manual() {
  const queue: (() => void)[] = [];
  return {
    schedule: (fn: () => void) => { queue.push(fn); },
    turn: async () => {
      for (const fn of queue.splice(0)) fn();
      await new Promise((r) => setImmediate(r));
    },
  };
}

describe('latest-wins keystrokes', () => {
  it('runs only the newest of the keystrokes waiting for a draft, and answers all of them', async () => {
    const loop = manual();
    const ran: Job[] = [];
    const wins = latestWins<Job>((job) => { ran.push(job); }, loop.schedule);
    const settled: number[] = [];
    const calls = [1, 2, 3].map((revision) => wins.submit('A:item1', { revision, text: `v${revision}` }).then(() => settled.push(revision)));
    expect(ran).toEqual([]);
    await loop.turn();
    await Promise.all(calls);
    expect(ran).toEqual([{ revision: 3, text: 'v3' }]);
    expect(settled.sort()).toEqual([1, 2, 3]);
  });

  it('never lets an older revision that arrives late replace a newer one', async () => {
    const loop = manual();
    const ran: number[] = [];
    const wins = latestWins<Job>((job) => { ran.push(job.revision); }, loop.schedule);
    const calls = [wins.submit('k', { revision: 7, text: 'new' }), wins.submit('k', { revision: 5, text: 'old' })];
    await loop.turn();
    await Promise.all(calls);
    expect(ran).toEqual([7]);
  });

  it('keeps drafts apart: one run per key, each with its own text', async () => {
    const loop = manual();
    const ran: [string, number][] = [];
    const wins = latestWins<Job & { key: string }>((job) => { ran.push([job.key, job.revision]); }, loop.schedule);
    await Promise.all([
      wins.submit('A:item1', { key: 'A:item1', revision: 1, text: 'a' }),
      wins.submit('B:item1', { key: 'B:item1', revision: 9, text: 'b' }),
      wins.submit('A:item2', { key: 'A:item2', revision: 2, text: 'c' }),
      wins.submit('A:item1', { key: 'A:item1', revision: 3, text: 'd' }),
      loop.turn(),
    ]);
    expect(ran.sort()).toEqual([['A:item1', 3], ['A:item2', 2], ['B:item1', 9]]);
  });

  it('scores a keystroke that comes while a run is under way in a run of its own', async () => {
    const loop = manual();
    const ran: number[] = [];
    let release!: () => void;
    const wins = latestWins<Job>(async (job) => {
      ran.push(job.revision);
      if (job.revision === 1) await new Promise<void>((r) => { release = r; });
    }, loop.schedule);
    const first = wins.submit('k', { revision: 1, text: 'a' });
    await loop.turn();
    const second = wins.submit('k', { revision: 2, text: 'b' });
    await loop.turn();
    expect(ran).toEqual([1, 2]);
    await second;
    release();
    await first;
  });

  it('gives every waiting caller the run’s error, and the next keystroke a fresh run', async () => {
    const loop = manual();
    const wins = latestWins<Job>((job) => {
      if (job.text === 'bad') throw new Error('publish failed');
    }, loop.schedule);
    const outcomes = [wins.submit('k', { revision: 1, text: 'x' }), wins.submit('k', { revision: 2, text: 'bad' })]
      .map((call) => call.then(() => 'ok', (error: Error) => error.message));
    await loop.turn();
    expect(await Promise.all(outcomes)).toEqual(['publish failed', 'publish failed']);
    const next = wins.submit('k', { revision: 3, text: 'ok' });
    await loop.turn();
    await expect(next).resolves.toBeUndefined();
  });

  it('uses the real event loop by default', async () => {
    const ran: number[] = [];
    const wins = latestWins<Job>((job) => { ran.push(job.revision); });
    await Promise.all([wins.submit('k', { revision: 1, text: 'a' }), wins.submit('k', { revision: 2, text: 'b' })]);
    expect(ran).toEqual([2]);
  });
});
