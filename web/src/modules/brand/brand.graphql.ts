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

export interface BrandDnaWrite extends BrandDnaSnapshot {
  restoredFromId: string | null;
}

const SNAPSHOT_FIELDS = gql`
  fragment BrandDnaSnapshotFields on BrandDnaSnapshot {
    id
    version
    locale
    document
    note
    restoredFromId
    createdAt
  }
`;

export const UPDATE_BRAND_DNA: TypedDocumentNode<
  { updateBrandDna: BrandDnaWrite },
  { clientId?: string | null; document: Record<string, unknown>; note?: string | null; baseVersion: number }
> = gql`
  mutation UpdateBrandDna($clientId: ID, $document: JSONObject!, $note: String, $baseVersion: Int!) {
    updateBrandDna(clientId: $clientId, document: $document, note: $note, baseVersion: $baseVersion) {
      ...BrandDnaSnapshotFields
    }
  }
  ${SNAPSHOT_FIELDS}
`;

export const RESTORE_BRAND_DNA: TypedDocumentNode<{ restoreBrandDna: BrandDnaWrite }, { clientId?: string | null; version: number }> = gql`
  mutation RestoreBrandDna($clientId: ID, $version: Int!) {
    restoreBrandDna(clientId: $clientId, version: $version) {
      ...BrandDnaSnapshotFields
    }
  }
  ${SNAPSHOT_FIELDS}
`;

export type DnaChangeKind = 'ADDED' | 'REMOVED' | 'CHANGED';

export interface DnaChange {
  kind: DnaChangeKind;
  path: string;
  before: unknown;
  after: unknown;
}

export const BRAND_DNA_DIFF_QUERY: TypedDocumentNode<
  { brandDnaDiff: { fromVersion: number; toVersion: number; changes: DnaChange[] } },
  { clientId?: string | null; fromVersion: number; toVersion: number }
> = gql`
  query BrandDnaDiff($clientId: ID, $fromVersion: Int!, $toVersion: Int!) {
    brandDnaDiff(clientId: $clientId, fromVersion: $fromVersion, toVersion: $toVersion) {
      fromVersion
      toVersion
      changes {
        kind
        path
        before
        after
      }
    }
  }
`;
