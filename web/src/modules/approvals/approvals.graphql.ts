import { gql } from '@apollo/client';
import type { TypedDocumentNode } from '@apollo/client';
import type { ApprovalStatus } from '../calendar/calendar.graphql.ts';
import type { Channel, ContentStatus } from '../studio/studio.graphql.ts';

export interface ApprovalComment {
  id: string;
  authorName: string;
  external: boolean;
  body: string;
  createdAt: string;
}

export interface Approval {
  id: string;
  version: number;
  status: ApprovalStatus;
  workflowId: string | null;
  requestedAt: string;
  expiresAt: string | null;
  decidedAt: string | null;
  decidedBy: string | null;
  decisionNote: string | null;
  remindersSent: number;
  lastRemindedAt: string | null;
  scheduledAt: string | null;
  body: string;
  item: { id: string; title: string; channel: Channel; status: ContentStatus };
  comments: ApprovalComment[];
}

const APPROVAL_FIELDS = gql`
  fragment ApprovalFields on Approval {
    id
    version
    status
    workflowId
    requestedAt
    expiresAt
    decidedAt
    decidedBy
    decisionNote
    remindersSent
    lastRemindedAt
    scheduledAt
    body
    item { id title channel status }
    comments { id authorName external body createdAt }
  }
`;

export const APPROVALS_QUERY: TypedDocumentNode<{ approvals: Approval[] }, { status?: ApprovalStatus[] | null; limit?: number }> = gql`
  query Approvals($status: [ApprovalStatus!], $limit: Int) {
    approvals(status: $status, limit: $limit) {
      ...ApprovalFields
    }
  }
  ${APPROVAL_FIELDS}
`;

export const APPROVAL_QUERY: TypedDocumentNode<{ approval: Approval }, { id: string }> = gql`
  query Approval($id: ID!) {
    approval(id: $id) {
      ...ApprovalFields
    }
  }
  ${APPROVAL_FIELDS}
`;

export const APPROVE_ITEM_MUTATION: TypedDocumentNode<{ approveItem: Approval }, { approvalId: string; note?: string | null }> = gql`
  mutation ApproveItem($approvalId: ID!, $note: String) {
    approveItem(approvalId: $approvalId, note: $note) { ...ApprovalFields }
  }
  ${APPROVAL_FIELDS}
`;

export const REQUEST_CHANGES_MUTATION: TypedDocumentNode<{ requestChanges: Approval }, { approvalId: string; comment: string }> = gql`
  mutation RequestChanges($approvalId: ID!, $comment: String!) {
    requestChanges(approvalId: $approvalId, comment: $comment) { ...ApprovalFields }
  }
  ${APPROVAL_FIELDS}
`;

export const REGENERATE_ITEM_MUTATION: TypedDocumentNode<{ regenerateItem: Approval }, { approvalId: string; comment?: string | null }> = gql`
  mutation RegenerateItem($approvalId: ID!, $comment: String) {
    regenerateItem(approvalId: $approvalId, comment: $comment) { ...ApprovalFields }
  }
  ${APPROVAL_FIELDS}
`;

export const COMMENT_MUTATION: TypedDocumentNode<{ commentOnApproval: Approval }, { approvalId: string; body: string }> = gql`
  mutation CommentOnApproval($approvalId: ID!, $body: String!) {
    commentOnApproval(approvalId: $approvalId, body: $body) { ...ApprovalFields }
  }
  ${APPROVAL_FIELDS}
`;

export interface ApprovalLink {
  url: string;
  path: string;
  email: string | null;
  expiresAt: string;
}

export const CREATE_APPROVAL_LINK_MUTATION: TypedDocumentNode<{ createApprovalLink: ApprovalLink }, { itemId: string; email?: string | null; expiresInHours?: number }> = gql`
  mutation CreateApprovalLink($itemId: ID!, $email: String, $expiresInHours: Int) {
    createApprovalLink(itemId: $itemId, email: $email, expiresInHours: $expiresInHours) { url path email expiresAt }
  }
`;

export const APPROVAL_EVENTS_SUBSCRIPTION: TypedDocumentNode<{ approvalEvents: { kind: string; approvalId: string; itemId: string; status: ApprovalStatus; at: string } }, Record<string, never>> = gql`
  subscription ApprovalEvents {
    approvalEvents { kind approvalId itemId status at }
  }
`;

export interface ExternalApproval {
  brandName: string;
  title: string;
  channel: Channel;
  body: string;
  version: number;
  status: ApprovalStatus;
  scheduledAt: string | null;
  linkExpiresAt: string;
  email: string | null;
}

const EXTERNAL_FIELDS = 'brandName title channel body version status scheduledAt linkExpiresAt email';

export const APPROVAL_BY_TOKEN_QUERY: TypedDocumentNode<{ approvalByToken: ExternalApproval }, { token: string }> = gql`
  query ApprovalByToken($token: String!) {
    approvalByToken(token: $token) { ${EXTERNAL_FIELDS} }
  }
`;

export const DECIDE_APPROVAL_MUTATION: TypedDocumentNode<{ decideApproval: ExternalApproval }, { token: string; decision: 'APPROVE' | 'REQUEST_CHANGES'; comment?: string | null }> = gql`
  mutation DecideApproval($token: String!, $decision: ApprovalDecision!, $comment: String) {
    decideApproval(token: $token, decision: $decision, comment: $comment) { ${EXTERNAL_FIELDS} }
  }
`;
