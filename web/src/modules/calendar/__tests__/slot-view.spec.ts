import { describe, expect, it } from 'vitest';
import i18next from 'i18next';
import { en } from '../../../i18n/en.ts';
import { fr } from '../../../i18n/fr.ts';
import type { CalendarSlot, SlotTiming } from '../calendar.graphql.ts';
import { slotState, timingReason, toEvent } from '../slot-view.ts';

const i18n = i18next.createInstance();
await i18n.init({ lng: 'en', resources: { en: { translation: en }, fr: { translation: fr } }, interpolation: { escapeValue: false } });

const learned: SlotTiming = { kind: 'LEARNED', weekday: 4, hour: 18, minute: 0, lift: 1.58, posts: 15, totalPosts: 45, weeks: 16, text: '' };

const slot = (over: Partial<CalendarSlot>): CalendarSlot => ({
  id: 's1', channel: 'INSTAGRAM', scheduledAt: '2026-12-17T17:00:00Z', status: 'FILLED', approvalId: 'a1', approvalStatus: 'PENDING',
  movable: true, planMonth: '2026-12', unfilledReason: null, timing: learned, item: { id: 'i1', title: 'Stollen', status: 'IN_REVIEW' }, ...over,
});

describe('slot view', () => {
  it('colours by published, then approval, then "not written"', () => {
    expect(slotState(slot({}))).toBe('PENDING');
    expect(slotState(slot({ approvalStatus: 'APPROVED' }))).toBe('APPROVED');
    expect(slotState(slot({ status: 'PUBLISHED' }))).toBe('PUBLISHED');
    expect(slotState(slot({ item: null, approvalStatus: null }))).toBe('EMPTY');
  });

  it('explains the time in the reader\'s language', () => {
    expect(timingReason(learned, 'Instagram', i18n.getFixedT('en'), 'en')).toBe('Thursday 18:00: 1.6× your average Instagram engagement over 16 weeks (15 of 45 posts)');
    expect(timingReason(learned, 'Instagram', i18n.getFixedT('fr'), 'fr')).toBe('Jeudi 18:00 : 1,6× votre engagement moyen sur Instagram en 16 semaines (15 publications sur 45)');
    const thin: SlotTiming = { ...learned, kind: 'DEFAULT', weekday: 1, hour: 11, lift: null, posts: 0, totalPosts: 3 };
    expect(timingReason(thin, 'Instagram', i18n.getFixedT('en'), 'en')).toBe('Default for Instagram (Monday 11:00): not enough history yet (3 posts in 16 weeks)');
    expect(timingReason({ ...thin, totalPosts: 30 }, 'Instagram', i18n.getFixedT('en'), 'en')).toMatch(/^Default for Instagram \(Monday 11:00\): no other time/);
  });

  it('makes events only movable slots can be dragged', () => {
    const t = i18n.getFixedT('en');
    expect(toEvent(slot({}), 'Instagram', t)).toMatchObject({ id: 's1', title: 'Instagram · Stollen', startEditable: true, classNames: ['slot-state-pending'] });
    expect(toEvent(slot({ movable: false, status: 'PUBLISHED' }), 'Instagram', t)).toMatchObject({ startEditable: false, classNames: ['slot-state-published'] });
    expect(toEvent(slot({ item: null }), 'Instagram', t).title).toBe('Instagram · not written yet');
  });
});
