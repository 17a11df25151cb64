// What the live onboarding view shows after each progress event.
import { describe, expect, it } from 'vitest';
import type { SessionView, SourceView } from '../onboarding.service.ts';
import { withEventStage } from '../onboarding.resolver.ts';

const source = (id: string, stage: SourceView['stage']): SourceView => ({
  id, kind: 'url', label: `url:https://${id}.example/`, url: `https://${id}.example/`, mediaId: null, filename: null, language: 'fr',
  stage, error: null, progress: {}, summary: null, createdAt: new Date(0), processedAt: null,
});
const session = (sources: SourceView[]): SessionView => ({
  id: 's', tenantId: 't', status: 'ingesting', locale: 'fr', workflowId: null, answers: {} as SessionView['answers'], answered: true,
  sources, draft: null, error: null, acceptedSnapshotId: null, createdAt: new Date(0), updatedAt: new Date(0),
});

describe('withEventStage', () => {
  it('shows the stage the event announced for its source, even when the read has moved on', () => {
    const read = session([source('a', 'done'), source('b', 'fetching')]);
    const shown = withEventStage(read, { sessionId: 's', sourceId: 'a', stage: 'parsing', at: '2026-11-21T12:00:00Z' });
    expect(shown.sources.map((s) => [s.id, s.stage])).toEqual([['a', 'parsing'], ['b', 'fetching']]);
    // The read itself is left as it was.
    expect(read.sources[0]!.stage).toBe('done');
  });

  it('leaves the read alone for session-wide events and unknown sources', () => {
    const read = session([source('a', 'done')]);
    expect(withEventStage(read, { sessionId: 's', sourceId: null, stage: 'proposed', at: '2026-11-21T12:00:00Z' })).toBe(read);
    expect(withEventStage(read, { sessionId: 's', sourceId: 'zzz', stage: 'parsing', at: '2026-11-21T12:00:00Z' }).sources).toEqual(read.sources);
  });
});
