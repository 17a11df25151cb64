// The questionnaire's form state, to and from the API's answers. Repeated
// groups (offers, audiences, competitors) are rows with a key for React;
// multi-line lists are one item per line. Rows left blank are dropped, so an
// untouched empty row never reaches the server as an error.
import type { Address, AnswersInput, OfferKind, OnboardingAnswers } from './onboarding.graphql.ts';

export interface OfferRow {
  key: string;
  kind: OfferKind;
  name: string;
  price: string;
  currency: string;
  unit: string;
}

export interface AudienceRow {
  key: string;
  persona: string;
  description: string;
  needs: string[];
}

export interface CompetitorRow {
  key: string;
  name: string;
  website: string;
}

export interface AnswersForm {
  name: string;
  tagline: string;
  mission: string;
  website: string;
  location: string;
  values: string[];
  offers: OfferRow[];
  audiences: AudienceRow[];
  address: Address | null;
  voice: string[];
  /** one rule per line */
  toneDo: string;
  toneDont: string;
  wordsToUse: string[];
  wordsToAvoid: string[];
  /** one per line */
  proofPoints: string;
  competitors: CompetitorRow[];
  channels: string[];
  keywords: string[];
  locale: string;
}

let counter = 0;
export function rowKey(): string {
  counter += 1;
  return `row-${counter}`;
}

export function emptyOffer(currency: string): OfferRow {
  return { key: rowKey(), kind: 'PRODUCT', name: '', price: '', currency, unit: '' };
}

export function formFromAnswers(answers: OnboardingAnswers | null, defaults: { locale: string; currency: string }): AnswersForm {
  return {
    name: answers?.name ?? '',
    tagline: answers?.tagline ?? '',
    mission: answers?.mission ?? '',
    website: answers?.website ?? '',
    location: answers?.location ?? '',
    values: answers?.values ?? [],
    offers: (answers?.offers ?? []).map((o) => ({ key: rowKey(), kind: o.kind, name: o.name, price: o.price, currency: o.currency, unit: o.unit ?? '' })),
    audiences: (answers?.audiences ?? []).map((a) => ({ key: rowKey(), persona: a.persona, description: a.description ?? '', needs: a.needs })),
    address: answers?.tone.address ?? null,
    voice: answers?.tone.voice ?? [],
    toneDo: (answers?.tone.do ?? []).join('\n'),
    toneDont: (answers?.tone.dont ?? []).join('\n'),
    wordsToUse: answers?.wordsToUse ?? [],
    wordsToAvoid: answers?.wordsToAvoid ?? [],
    proofPoints: (answers?.proofPoints ?? []).join('\n'),
    competitors: (answers?.competitors ?? []).map((c) => ({ key: rowKey(), name: c.name, website: c.website ?? '' })),
    channels: answers?.channels ?? [],
    keywords: answers?.keywords ?? [],
    locale: answers?.locale ?? defaults.locale,
  };
}

function lines(text: string): string[] {
  return text.split('\n').map((l) => l.trim()).filter(Boolean);
}

const blank = (value: string) => value.trim() === '';

/** Offer rows sent to the server, in order: a server error on offers.<i> names the i-th of these. */
export function keptOffers(form: AnswersForm): OfferRow[] {
  return form.offers.filter((o) => !(blank(o.name) && blank(o.price)));
}

/** The mutation's input: blank rows dropped, blank texts as null. */
export function answersInput(form: AnswersForm): AnswersInput {
  const text = (value: string) => (blank(value) ? null : value.trim());
  return {
    name: text(form.name),
    tagline: text(form.tagline),
    mission: text(form.mission),
    website: text(form.website),
    location: text(form.location),
    values: form.values,
    offers: keptOffers(form)
      .map((o) => ({ kind: o.kind, name: o.name.trim(), price: o.price.trim(), currency: text(o.currency), unit: text(o.unit) })),
    audiences: form.audiences.filter((a) => !blank(a.persona) || !blank(a.description)).map((a) => ({ persona: a.persona.trim(), description: text(a.description), needs: a.needs })),
    tone: { voice: form.voice, address: form.address, do: lines(form.toneDo), dont: lines(form.toneDont) },
    wordsToUse: form.wordsToUse,
    wordsToAvoid: form.wordsToAvoid,
    proofPoints: lines(form.proofPoints),
    competitors: form.competitors.filter((c) => !blank(c.name) || !blank(c.website)).map((c) => ({ name: c.name.trim(), website: text(c.website) })),
    channels: form.channels,
    keywords: form.keywords,
    locale: form.locale,
  };
}

