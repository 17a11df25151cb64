// W1 step 1 (session): the month's brief — goals, offers and channels from the
// client's brand DNA, topics to write about, and what carries over from last
// month (topics whose content never got published). Pure: built from rows the
// session activity reads, so the same inputs always give the same brief.
import { brandContext, textList } from '@ensemble/ai/brand-context';
import { toChannelKind, type ChannelKind } from '../planning/slot-plan.ts';

export interface BriefTopic {
  topic: string;
  keyphrase: string;
  offer: string | null;
  goal: string | null;
  carriedOver: boolean;
}

export interface MonthBrief {
  month: string;
  locale: string;
  timeZone: string;
  brandName: string;
  snapshotId: string | null;
  snapshotVersion: number | null;
  goals: string[];
  offers: Array<{ name: string; price: string | null }>;
  channels: ChannelKind[];
  keywords: string[];
  topics: BriefTopic[];
  carryOver: { fromMonth: string; runId: string | null; unpublishedItems: number; topics: number };
}

export interface UnpublishedItem {
  title: string;
  brief: string | null;
  keyphrase: string | null;
}

export interface MonthBriefInput {
  month: string;
  tenant: { name: string; locale: string; timeZone: string };
  snapshot: { id: string; version: number; locale: string; document: Record<string, unknown> } | null;
  /** publishing channels the client configured (content.channel), used when the DNA names none */
  configuredChannels: readonly string[];
  previous: { month: string; runId: string | null; unpublished: readonly UnpublishedItem[] };
}

const MAX_TOPICS = 40;

function lookup(doc: Record<string, unknown>, ...paths: string[]): unknown {
  for (const path of paths) {
    let node: unknown = doc;
    for (const key of path.split('.')) node = node && typeof node === 'object' && !Array.isArray(node) ? (node as Record<string, unknown>)[key] : undefined;
    if (node !== undefined && node !== null && node !== '') return node;
  }
  return undefined;
}

function monthIndex(month: string): number {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return y * 12 + (m - 1);
}

function rotate<T>(list: readonly T[], by: number): T[] {
  if (list.length === 0) return [];
  const k = ((by % list.length) + list.length) % list.length;
  return [...list.slice(k), ...list.slice(0, k)];
}

export function buildMonthBrief(input: MonthBriefInput): MonthBrief {
  const doc = input.snapshot?.document ?? {};
  const brand = brandContext(doc);
  const goals = textList(lookup(doc, 'goals', 'objectives', 'marketing.goals', 'marketingGoals', 'strategy.goals')).slice(0, 6);
  const offers = brand.offers.slice(0, 8).map((o) => ({ name: o.name, price: o.price ?? null }));
  const channels: ChannelKind[] = [];
  for (const raw of brand.channels.length ? brand.channels : input.configuredChannels) {
    const kind = toChannelKind(raw);
    if (kind && !channels.includes(kind)) channels.push(kind);
  }
  if (channels.length === 0) channels.push('blog');

  const topics: BriefTopic[] = [];
  const seen = new Set<string>();
  const add = (topic: BriefTopic) => {
    const key = topic.keyphrase.toLowerCase();
    if (!topic.topic || seen.has(key) || topics.length >= MAX_TOPICS) return;
    seen.add(key);
    topics.push(topic);
  };
  // Carry-over first: last month's unpublished subjects are still owed.
  for (const item of input.previous.unpublished) {
    add({ topic: item.brief ?? item.title, keyphrase: item.keyphrase ?? item.title.toLowerCase(), offer: null, goal: null, carriedOver: true });
  }
  const carried = topics.length;
  // Fresh subjects rotate with the month, so consecutive months open differently.
  const shift = monthIndex(input.month);
  const offerNames = offers.map((o) => o.name);
  const fresh: BriefTopic[] = [
    ...brand.keywords.map((k, i) => ({ topic: k, keyphrase: k, offer: offerNames[i % (offerNames.length || 1)] ?? null, goal: goals[i % (goals.length || 1)] ?? null, carriedOver: false })),
    ...offerNames.map((name, i) => ({ topic: name, keyphrase: name.toLowerCase(), offer: name, goal: goals[(i + 1) % (goals.length || 1)] ?? null, carriedOver: false })),
  ];
  for (const topic of rotate(fresh, shift)) add(topic);
  if (topics.length === 0) {
    const subject = brand.sector ?? input.tenant.name;
    add({ topic: subject, keyphrase: subject.toLowerCase(), offer: null, goal: goals[0] ?? null, carriedOver: false });
  }

  return {
    month: input.month,
    locale: input.snapshot?.locale ?? input.tenant.locale,
    timeZone: input.tenant.timeZone,
    // brandContext() falls back to a generic name; the tenant's own name is better.
    brandName: lookup(doc, 'identity.name', 'identity.brandName', 'name', 'brandName', 'brand.name') ? brand.name : input.tenant.name,
    snapshotId: input.snapshot?.id ?? null,
    snapshotVersion: input.snapshot?.version ?? null,
    goals,
    offers,
    channels,
    keywords: brand.keywords,
    topics,
    carryOver: { fromMonth: input.previous.month, runId: input.previous.runId, unpublishedItems: input.previous.unpublished.length, topics: carried },
  };
}

/** The topic of the n-th slot of the month (slots in time order). */
export function topicForSlot(brief: Pick<MonthBrief, 'topics'>, ordinal: number): BriefTopic | null {
  if (brief.topics.length === 0) return null;
  return brief.topics[ordinal % brief.topics.length]!;
}
