import { gql } from '@apollo/client';
import type { TypedDocumentNode } from '@apollo/client';

export type EvergreenStatus = 'PROPOSED' | 'ACCEPTED' | 'DISMISSED' | 'REPUBLISHED';

export interface EvergreenCandidate {
  id: string;
  status: EvergreenStatus;
  score: number;
  reason: string;
  events: number;
  conversions: number;
  engagement: number;
  median: number;
  ageDays: number;
  publishedItems: number;
  windowDays: number;
  item: { id: string; title: string; channel: string };
  refreshItem: { id: string; title: string; status: string } | null;
  refreshScheduledAt: string | null;
  cooldownUntil: string | null;
  proposedAt: string;
  decidedAt: string | null;
}

export interface EvergreenPolicy {
  minAgeDays: number;
  cooldownDays: number;
  maxPerMonth: number;
  planMaxPerMonth: number | null;
  minScore: number;
  proposedThisMonth: number;
}

const CANDIDATE = `id status score reason events conversions engagement median ageDays publishedItems windowDays item { id title channel } refreshItem { id title status }
  refreshScheduledAt cooldownUntil proposedAt decidedAt`;
const POLICY = 'minAgeDays cooldownDays maxPerMonth planMaxPerMonth minScore proposedThisMonth';

export const EVERGREEN_QUERY: TypedDocumentNode<{ evergreenCandidates: EvergreenCandidate[]; evergreenPolicy: EvergreenPolicy }, Record<string, never>> = gql`
  query Evergreen { evergreenCandidates { ${CANDIDATE} } evergreenPolicy { ${POLICY} } }
`;

export const FIND_EVERGREEN_MUTATION: TypedDocumentNode<{ findEvergreenCandidates: { considered: number; median: number; cap: number; capLeft: number; proposed: Array<{ id: string }> } }, Record<string, never>> = gql`
  mutation FindEvergreenCandidates { findEvergreenCandidates { considered median cap capLeft proposed { id } } }
`;

export const ACCEPT_EVERGREEN_MUTATION: TypedDocumentNode<{ acceptEvergreenCandidate: EvergreenCandidate }, { id: string }> = gql`
  mutation AcceptEvergreenCandidate($id: ID!) { acceptEvergreenCandidate(id: $id) { ${CANDIDATE} } }
`;

export const DISMISS_EVERGREEN_MUTATION: TypedDocumentNode<{ dismissEvergreenCandidate: EvergreenCandidate }, { id: string }> = gql`
  mutation DismissEvergreenCandidate($id: ID!) { dismissEvergreenCandidate(id: $id) { ${CANDIDATE} } }
`;

export const UPDATE_EVERGREEN_POLICY_MUTATION: TypedDocumentNode<{ updateEvergreenPolicy: EvergreenPolicy }, { input: Partial<Pick<EvergreenPolicy, 'minAgeDays' | 'cooldownDays' | 'maxPerMonth' | 'minScore'>> }> = gql`
  mutation UpdateEvergreenPolicy($input: EvergreenPolicyInput!) { updateEvergreenPolicy(input: $input) { ${POLICY} } }
`;
