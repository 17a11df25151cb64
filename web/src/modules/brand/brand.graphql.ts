import { gql } from '@apollo/client';
import type { TypedDocumentNode } from '@apollo/client';

export interface BrandDnaSnapshot {
  id: string;
  version: number;
  locale: string;
  document: Record<string, unknown>;
  note: string | null;
  createdAt: string;
}

export const BRAND_DNA_QUERY: TypedDocumentNode<{ brandDna: BrandDnaSnapshot | null; brandDnaHistory: BrandDnaSnapshot[] }, { clientId?: string | null }> = gql`
  query BrandDna($clientId: ID) {
    brandDna(clientId: $clientId) {
      id
      version
      locale
      document
      note
      createdAt
    }
    brandDnaHistory(clientId: $clientId) {
      id
      version
      locale
      document
      note
      createdAt
    }
  }
`;
