// T8: the guided questionnaire's validation and its mapping onto a DNA.
import { describe, expect, it } from 'vitest';
import { AppError } from '@ensemble/tenancy/errors';
import { assertValidBrandDna } from '../../brand/brand-dna.schema.ts';
import { answersToDna, parseAmount, toMinor, validateAnswers } from '../questionnaire.ts';

const workspace = { locale: 'fr', currency: 'EUR' };

function fieldsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('BAD_USER_INPUT');
    return ((error as AppError).extensions.fields as Array<{ field: string }>).map((f) => f.field);
  }
  throw new Error('expected BAD_USER_INPUT');
}

describe('prices as people type them', () => {
  it.each([
    ['12,50', 12.5], ['12.50', 12.5], ['1 200', 1200], ['1.200', 1200], ['1,200', 1200], ['1 200,50', 1200.5], ['1,200.50', 1200.5], ['0', 0], ['7', 7],
  ])('%s → %d', (raw, value) => expect(parseAmount(raw)).toBe(value));

  it.each(['', 'abc', '12,5,0', '1.2.3', '-4', '12 €'])('refuses %j', (raw) => expect(parseAmount(raw)).toBeNull());

  it('converts to minor units by the currency’s digits', () => {
    expect(toMinor(12.5, 'EUR')).toBe(1250);
    expect(toMinor(1800, 'MAD')).toBe(180000);
    expect(toMinor(500, 'JPY')).toBe(500);
    expect(toMinor(1.5, 'JPY')).toBeNull();
  });
});

describe('validateAnswers', () => {
  it('cleans answers, prices offers in the workspace currency and maps them onto a valid DNA', () => {
    const answers = validateAnswers({
      name: '  Dar   Yasmine ',
      mission: 'Recevoir comme à la maison.',
      values: ['Hospitalité', 'hospitalité', ' ', 'Authenticité'],
      offers: [{ name: 'Suite Yasmine', price: '1 800', currency: 'mad', unit: 'la nuit', kind: 'SERVICE' }, { name: 'Tajine', price: '12,50' }],
      audiences: [{ persona: 'Couples', needs: ['calme'] }],
      tone: { address: 'VOUS', voice: ['chaleureux'] },
      channels: ['Instagram', 'newsletter'],
      website: 'dar-yasmine.example',
    }, workspace);
    expect(answers).toMatchObject({
      name: 'Dar Yasmine',
      values: ['Hospitalité', 'Authenticité'],
      offers: [
        { kind: 'service', name: 'Suite Yasmine', price: '1 800', priceMinor: 180000, currency: 'MAD', unit: 'la nuit' },
        { kind: 'product', name: 'Tajine', price: '12,50', priceMinor: 1250, currency: 'EUR' },
      ],
      tone: { address: 'vous', voice: ['chaleureux'], do: [], dont: [] },
      channels: ['instagram', 'newsletter'],
      website: 'https://dar-yasmine.example/',
      locale: 'fr',
    });
    const dna = { ...answersToDna(answers), locale: answers.locale };
    expect(() => assertValidBrandDna(dna)).not.toThrow();
    expect(dna).toMatchObject({ offer: { products: [{ name: 'Tajine', price_minor: 1250, currency: 'EUR' }], services: [{ name: 'Suite Yasmine', price_minor: 180000, currency: 'MAD', unit: 'la nuit' }] } });
  });

  it('names every bad field and keeps nothing', () => {
    expect(fieldsOf(() => validateAnswers({
      name: 'x'.repeat(201),
      offers: [{ name: 'Pain', price: 'cher' }, { name: '', price: '3' }, { name: 'Riad', price: '10', currency: 'XYZ' }],
      tone: { address: 'you' },
      channels: ['fax'],
      competitors: [{ name: 'A', website: 'not a url' }],
      locale: 'french',
    }, workspace))).toEqual(['locale', 'name', 'offers.0.price', 'offers.1.name', 'offers.2.currency', 'tone.address', 'competitors.0.website', 'channels.0']);
  });

  it('lets an English brand say you, and a French one only tu or vous', () => {
    expect(validateAnswers({ tone: { address: 'YOU' } }, { locale: 'en', currency: 'GBP' }).tone.address).toBe('you');
    expect(fieldsOf(() => validateAnswers({ tone: { address: 'YOU' } }, workspace))).toEqual(['tone.address']);
  });
});
