import { describe, expect, it } from 'vitest';
import { readBrandDna } from '../brand-dna-view.ts';

describe('readBrandDna', () => {
  it('reads the onboarding shape: identity, offers in minor units, personas, tone, vocabulary', () => {
    const view = readBrandDna({
      identity: { name: 'Maison Lumière', tagline: 'Boulangerie', founded: 2012, location: 'Paris' },
      mission: 'Du bon pain.',
      values: ['Fait maison', 'Saison'],
      offer: {
        products: [{ name: 'Baguette', description: '24 h', price_minor: 130, currency: 'EUR' }],
        services: [{ name: 'Atelier', price_minor: 6500, currency: 'EUR', unit: 'personne' }],
      },
      audiences: [{ persona: 'Voisins', description: 'Actifs', needs: ['Rapidité'], objections: ['File'] }],
      tone: { voice: ['chaleureux'], address: 'vous', do: ['Citer'], dont: ['Emoji'] },
      vocabulary: { use: ['levain'], avoid: ['industriel'] },
      proof_points: ['4,8/5'],
      competitors: [{ name: 'Fournil', notes: 'Moins cher' }],
      keywords: ['levain Paris'],
      channels: ['instagram', 'blog'],
      locale: 'fr',
    });
    expect(view.name).toBe('Maison Lumière');
    expect(view.tagline).toBe('Boulangerie');
    expect(view.mission).toBe('Du bon pain.');
    expect(view.identity.map((n) => n.key)).toEqual(['founded', 'location']);
    expect(view.offers).toEqual([
      { name: 'Baguette', price: { amount: 1.3, currency: 'EUR' }, description: '24 h' },
      { name: 'Atelier', price: { amount: 65, currency: 'EUR' }, unit: 'personne' },
    ]);
    expect(view.audiences[0]).toEqual({ name: 'Voisins', description: 'Actifs', pains: [], goals: ['Rapidité'], objections: ['File'] });
    expect(view.tone).toEqual({ address: 'vous', traits: ['chaleureux'], dos: ['Citer'], donts: ['Emoji'] });
    expect(view.vocabularyUse).toEqual(['levain']);
    expect(view.vocabularyAvoid).toEqual(['industriel']);
    expect(view.proofPoints).toEqual([{ label: '4,8/5' }]);
    expect(view.competitors).toEqual([{ label: 'Fournil', detail: 'Moins cher' }]);
    expect(view.channels.map((c) => c.label)).toEqual(['instagram', 'blog']);
    expect(view.other).toEqual([]);
  });

  it('tolerates missing fields and odd shapes, keeping unknown keys as readable details', () => {
    expect(readBrandDna(null)).toMatchObject({ values: [], offers: [], audiences: [], keywords: [], other: [] });
    const view = readBrandDna({ name: 'Forge', values: 'strength, community', offers: 'Drop-in; Membership', tone: 'Warm and direct', extra: { hours: { monday: '7-21' }, flags: [1, 2] } });
    expect(view.name).toBe('Forge');
    expect(view.values.map((v) => v.label)).toEqual(['strength', 'community']);
    expect(view.offers.map((o) => o.name)).toEqual(['Drop-in', 'Membership']);
    expect(view.tone.description).toBe('Warm and direct');
    expect(view.other).toEqual([{ key: 'extra', value: [{ key: 'hours', value: [{ key: 'monday', value: '7-21' }] }, { key: 'flags', value: ['1', '2'] }] }]);
  });
});
