import { gql } from '@apollo/client';
import type { TypedDocumentNode } from '@apollo/client';

export interface CreditBalance {
  tenantId: string;
  periodStart: string;
  budget: number;
  available: number;
  reserved: number;
  consumed: number;
}

export interface CreditMovement {
  id: string;
  kind: string;
  amount: number;
  memo: string | null;
  createdAt: string;
}

export const CREDITS_QUERY: TypedDocumentNode<{ creditBalance: CreditBalance; creditMovements: CreditMovement[] }, { limit: number }> = gql`
  query Credits($limit: Int) {
    creditBalance {
      tenantId
      periodStart
      budget
      available
      reserved
      consumed
    }
    creditMovements(limit: $limit) {
      id
      kind
      amount
      memo
      createdAt
    }
  }
`;
