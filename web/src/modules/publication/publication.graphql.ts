import { gql } from '@apollo/client';
import type { TypedDocumentNode } from '@apollo/client';

export type PublicationStatus = 'PENDING' | 'SENT' | 'FAILED';
export type AttemptStatus = 'RUNNING' | 'SENT' | 'RECONCILED' | 'FAILED' | 'INTERRUPTED' | 'SKIPPED';
export type PublishOutcome = 'SENT' | 'ALREADY_SENT' | 'RECONCILED' | 'FAILED' | 'NO_CONNECTOR';

export interface PublicationAttempt {
  id: string;
  attempt: number;
  trigger: 'PIPELINE' | 'PUBLISH_NOW' | 'REPLAY';
  connector: string;
  status: AttemptStatus;
  request: Record<string, unknown>;
  responseStatus: number | null;
  externalId: string | null;
  externalUrl: string | null;
  error: string | null;
  startedAt: string;
  finishedAt: string | null;
}

export interface Publication {
  id: string;
  itemId: string;
  itemTitle: string;
  channel: string;
  version: number | null;
  idempotencyKey: string;
  connector: string | null;
  status: PublicationStatus;
  externalId: string | null;
  externalUrl: string | null;
  attemptCount: number;
  lastError: string | null;
  publishedAt: string | null;
  createdAt: string;
  updatedAt: string;
  recipients: number | null;
  messages: { total: number; sent: number; queued: number; failed: number; suppressed: number } | null;
  attempts: PublicationAttempt[];
}

export interface PostSummary {
  id: string;
  channel: string;
  title: string;
  status: string;
  /** its calendar slot's time: an approved post is published then */
  scheduledAt: string | null;
  updatedAt: string;
}

export type FormConnector = 'SMTP' | 'TWILIO' | 'WEBHOOK';

export interface PublishingChannel {
  channelId: string;
  channel: string;
  name: string;
  connector: string | null;
  connectionName: string | null;
  connectionStatus: string | null;
  /** the accounts it can be connected to with a form */
  connectable: FormConnector[];
  /** approved posts of this kind whose time passed unpublished */
  overdue: number;
}

export interface ConnectChannelInput {
  connector: FormConnector;
  displayName: string;
  url?: string | null;
  from?: string | null;
  accountSid?: string | null;
  authToken?: string | null;
}

const CHANNEL_FIELDS = 'channelId channel name connector connectionName connectionStatus connectable overdue';

const PUBLICATION_FIELDS = `
  id itemId itemTitle channel version idempotencyKey connector status externalId externalUrl attemptCount lastError
  publishedAt createdAt updatedAt recipients
  messages { total sent queued failed suppressed }
  attempts { id attempt trigger connector status request responseStatus externalId externalUrl error startedAt finishedAt }
`;

export const PUBLICATIONS_OVERVIEW_QUERY: TypedDocumentNode<
  { contentItems: PostSummary[]; publications: Array<Pick<Publication, 'id' | 'itemId' | 'status' | 'updatedAt' | 'connector'>>; publishingChannels: PublishingChannel[] },
  Record<string, never>
> = gql`
  query PublicationsOverview {
    contentItems(limit: 100) { id channel title status scheduledAt updatedAt }
    publications(limit: 200) { id itemId status updatedAt connector }
    publishingChannels { ${CHANNEL_FIELDS} }
  }
`;

export const CONNECT_CHANNEL_MUTATION: TypedDocumentNode<
  { connectChannel: { signingSecret: string | null; channel: PublishingChannel } },
  { channelId: string; input: ConnectChannelInput }
> = gql`
  mutation ConnectChannel($channelId: ID!, $input: ConnectChannelInput!) {
    connectChannel(channelId: $channelId, input: $input) { signingSecret channel { ${CHANNEL_FIELDS} } }
  }
`;

export const DISCONNECT_CHANNEL_MUTATION: TypedDocumentNode<{ disconnectChannel: PublishingChannel }, { channelId: string }> = gql`
  mutation DisconnectChannel($channelId: ID!) {
    disconnectChannel(channelId: $channelId) { ${CHANNEL_FIELDS} }
  }
`;

export const PUBLICATION_LOG_QUERY: TypedDocumentNode<{ publicationLog: Publication[] }, { itemId: string }> = gql`
  query PublicationLog($itemId: ID!) {
    publicationLog(itemId: $itemId) { ${PUBLICATION_FIELDS} }
  }
`;

export interface PublishResult {
  outcome: PublishOutcome;
  message: string | null;
  publication: Publication | null;
}

export const PUBLISH_NOW_MUTATION: TypedDocumentNode<{ publishNow: PublishResult }, { itemId: string }> = gql`
  mutation PublishNow($itemId: ID!) {
    publishNow(itemId: $itemId) { outcome message publication { ${PUBLICATION_FIELDS} } }
  }
`;

export const REPLAY_PUBLICATION_MUTATION: TypedDocumentNode<{ replayPublication: PublishResult }, { id: string }> = gql`
  mutation ReplayPublication($id: ID!) {
    replayPublication(id: $id) { outcome message publication { ${PUBLICATION_FIELDS} } }
  }
`;
