import { gql } from '@apollo/client';
import type { TypedDocumentNode } from '@apollo/client';

export interface CreditBalance {
  tenantId: string;
  periodStart: string;
  budget: number;
  available: number;
  reserved: number;
  consumed: number;
  softCap: number | null;
  hardCap: number | null;
  softCapReached: boolean;
  hardCapReached: boolean;
}

export interface CreditMovement {
  id: string;
  kind: string;
  amount: number;
  memo: string | null;
  createdAt: string;
}

export interface CreditNotice {
  id: string;
  kind: string;
  periodStart: string;
  threshold: number;
  used: number;
  message: string;
  createdAt: string;
}

export interface TopUpPack {
  id: string;
  code: string;
  credits: number;
  currency: string;
  priceMinor: number | null;
}

export type TopUpStatus = 'PENDING_PAYMENT' | 'GRANTED' | 'CANCELLED';

export interface CreditTopUp {
  id: string;
  credits: number;
  status: TopUpStatus;
  packCode: string | null;
  invoiceId: string | null;
  priceMinor: number | null;
  currency: string | null;
  memo: string | null;
  createdAt: string;
  grantedAt: string | null;
  replayed: boolean;
}

export interface CreditUsage {
  from: string;
  to: string;
  timeZone: string;
  total: number;
  days: Array<{ date: string; consumed: number }>;
  byTask: Array<{ task: string; consumed: number; calls: number }>;
}

const BALANCE_FIELDS = 'tenantId periodStart budget available reserved consumed softCap hardCap softCapReached hardCapReached';
const TOPUP_FIELDS = 'id credits status packCode invoiceId priceMinor currency memo createdAt grantedAt replayed';

export interface CreditsData {
  creditBalance: CreditBalance;
  creditMovements: CreditMovement[];
  creditNotices: CreditNotice[];
  topUpPacks: TopUpPack[];
  creditTopUps: CreditTopUp[];
}

export const CREDITS_QUERY: TypedDocumentNode<CreditsData, { limit: number }> = gql`
  query Credits($limit: Int) {
    creditBalance { ${BALANCE_FIELDS} }
    creditMovements(limit: $limit) { id kind amount memo createdAt }
    creditNotices(limit: 5) { id kind periodStart threshold used message createdAt }
    topUpPacks { id code credits currency priceMinor }
    creditTopUps(limit: 10) { ${TOPUP_FIELDS} }
  }
`;

export const CREDIT_USAGE_QUERY: TypedDocumentNode<{ creditUsage: CreditUsage }, { from: string; to: string }> = gql`
  query CreditUsage($from: String!, $to: String!) {
    creditUsage(from: $from, to: $to) { from to timeZone total days { date consumed } byTask { task consumed calls } }
  }
`;

export const TOP_UP_MUTATION: TypedDocumentNode<{ topUpCredits: CreditTopUp }, { packId: string; idempotencyKey: string }> = gql`
  mutation TopUpCredits($packId: ID!, $idempotencyKey: String!) {
    topUpCredits(packId: $packId, idempotencyKey: $idempotencyKey) { ${TOPUP_FIELDS} }
  }
`;

export interface ClientCreditsRow {
  client: { id: string; name: string; parentId: string | null };
  periodStart: string | null;
  budget: number;
  available: number;
  reserved: number;
  consumed: number;
  softCap: number | null;
  hardCap: number | null;
  softCapReached: boolean;
  hardCapReached: boolean;
}

export const CLIENT_CREDITS_QUERY: TypedDocumentNode<{ clientCredits: ClientCreditsRow[] }, Record<string, never>> = gql`
  query ClientCredits {
    clientCredits {
      client { id name parentId }
      periodStart budget available reserved consumed softCap hardCap softCapReached hardCapReached
    }
  }
`;
