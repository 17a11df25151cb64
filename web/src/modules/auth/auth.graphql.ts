import { gql } from '@apollo/client';
import type { TypedDocumentNode } from '@apollo/client';

export type TenantKind = 'PLATFORM' | 'DISTRIBUTOR' | 'CLIENT';

export interface Viewer {
  role: string;
  permissions: string[];
  user: { id: string; email: string; displayName: string; locale: string } | null;
  tenant: { id: string; kind: TenantKind; name: string; slug: string; locale: string; timeZone: string; currency: string };
}

export interface AuthPayload {
  accessToken: string;
  refreshToken: string;
  accessTokenExpiresAt: string;
  viewer: Viewer;
}

const VIEWER_FIELDS = gql`
  fragment ViewerFields on Viewer {
    role
    permissions
    user {
      id
      email
      displayName
      locale
    }
    tenant {
      id
      kind
      name
      slug
      locale
      timeZone
      currency
    }
  }
`;

export const VIEWER_QUERY: TypedDocumentNode<{ viewer: Viewer }, Record<string, never>> = gql`
  query Viewer {
    viewer {
      ...ViewerFields
    }
  }
  ${VIEWER_FIELDS}
`;

export const LOGIN_MUTATION: TypedDocumentNode<{ login: AuthPayload }, { email: string; password: string }> = gql`
  mutation Login($email: String!, $password: String!) {
    login(email: $email, password: $password) {
      accessToken
      refreshToken
      accessTokenExpiresAt
      viewer {
        ...ViewerFields
      }
    }
  }
  ${VIEWER_FIELDS}
`;

export const REFRESH_SESSION_MUTATION: TypedDocumentNode<{ refreshSession: AuthPayload }, { refreshToken: string }> = gql`
  mutation RefreshSession($refreshToken: String!) {
    refreshSession(refreshToken: $refreshToken) {
      accessToken
      refreshToken
      accessTokenExpiresAt
      viewer {
        ...ViewerFields
      }
    }
  }
  ${VIEWER_FIELDS}
`;

export const LOGOUT_MUTATION: TypedDocumentNode<{ logout: boolean }, { refreshToken: string }> = gql`
  mutation Logout($refreshToken: String!) {
    logout(refreshToken: $refreshToken)
  }
`;
