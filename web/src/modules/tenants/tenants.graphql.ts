import { gql } from '@apollo/client';
import type { TypedDocumentNode } from '@apollo/client';
import type { TenantKind } from '../auth/auth.graphql.ts';

export interface TenantRow {
  id: string;
  kind: TenantKind;
  name: string;
  slug: string;
  locale: string;
  timeZone: string;
  currency: string;
  parentId: string | null;
}

export const TENANTS_QUERY: TypedDocumentNode<{ tenants: TenantRow[] }, { kind?: TenantKind | null }> = gql`
  query Tenants($kind: TenantKind) {
    tenants(kind: $kind) {
      id
      kind
      name
      slug
      locale
      timeZone
      currency
      parentId
    }
  }
`;
