import { gql } from '@apollo/client';
import type { TypedDocumentNode } from '@apollo/client';

export type SourceKind = 'FEED' | 'PAGE';
export type SourceStatus = 'OK' | 'NOT_MODIFIED' | 'ERROR' | 'BLOCKED';
export type AlertKind = 'NEW_ENTRY' | 'TEXT_CHANGED' | 'PRICE_CHANGED' | 'PRODUCT_ADDED' | 'PRODUCT_REMOVED' | 'FETCH_FAILED';
export type AlertSeverity = 'INFO' | 'WARNING' | 'IMPORTANT';
export type CaptureStatus = 'BASELINE' | 'CHANGED' | 'UNCHANGED' | 'FAILED' | 'BLOCKED' | 'GONE';

export interface Selectors {
  item: string | null;
  name: string | null;
  price: string | null;
  text: string | null;
  currency: string | null;
}

export interface WatchedProduct {
  name: string;
  priceMinor: number | null;
  currency: string | null;
  priceText: string;
}

export interface FeedEntry {
  id: string;
  title: string;
  url: string | null;
  publishedAt: string | null;
}

export interface PriceChange {
  name: string;
  oldPriceMinor: number;
  newPriceMinor: number;
  currency: string | null;
  changePercent: number | null;
}

export interface CaptureDiff {
  addedParagraphs: string[];
  removedParagraphs: string[];
  addedProducts: WatchedProduct[];
  removedProducts: WatchedProduct[];
  priceChanges: PriceChange[];
  newEntries: FeedEntry[];
  removedEntries: number;
}

export interface Capture {
  id: string;
  fetchedAt: string;
  httpStatus: number | null;
  error: string | null;
  failures: number;
  products: WatchedProduct[];
  entries: FeedEntry[];
  paragraphs: string[];
  diff: CaptureDiff | null;
}

export interface Source {
  id: string;
  kind: SourceKind;
  feedFormat: 'RSS' | 'ATOM' | null;
  url: string;
  selectors: Selectors;
  intervalMinutes: number;
  priceThresholdPercent: number;
  active: boolean;
  lastFetchedAt: string | null;
  lastStatus: SourceStatus | null;
  lastError: string | null;
  competitor: { id: string; name: string };
}

export interface Competitor {
  id: string;
  name: string;
  website: string | null;
  unreadAlerts: number;
  sources: Source[];
}

export interface Alert {
  id: string;
  kind: AlertKind;
  severity: AlertSeverity;
  summary: string;
  sourceId: string;
  competitorName: string;
  sourceUrl: string;
  read: boolean;
  createdAt: string;
  emailsSent: number;
}

export interface Preview {
  url: string;
  httpStatus: number | null;
  error: string | null;
  feedFormat: 'RSS' | 'ATOM' | null;
  title: string | null;
  products: WatchedProduct[];
  entries: FeedEntry[];
  paragraphs: string[];
  unreadPrices: string[];
}

export interface SourceInput {
  competitorName: string;
  website?: string | null;
  kind: SourceKind;
  url: string;
  selectors?: Partial<Selectors> | null;
  intervalMinutes?: number | null;
  priceThresholdPercent?: number | null;
  active?: boolean | null;
}

const SOURCE_FIELDS = 'id kind feedFormat url selectors { item name price text currency } intervalMinutes priceThresholdPercent active lastFetchedAt lastStatus lastError competitor { id name }';
const PRODUCT = 'name priceMinor currency priceText';
const ENTRY = 'id title url publishedAt';
const CAPTURE_FIELDS = `id fetchedAt httpStatus error failures products { ${PRODUCT} } entries { ${ENTRY} } paragraphs
  diff { addedParagraphs removedParagraphs addedProducts { ${PRODUCT} } removedProducts { ${PRODUCT} } priceChanges { name oldPriceMinor newPriceMinor currency changePercent } newEntries { ${ENTRY} } removedEntries }`;
const ALERT_FIELDS = 'id kind severity summary sourceId competitorName sourceUrl read createdAt emailsSent';

export const COMPETITORS_QUERY: TypedDocumentNode<{ competitors: Competitor[] }, Record<string, never>> = gql`
  query Competitors { competitors { id name website unreadAlerts sources { ${SOURCE_FIELDS} } } }
`;

export const SOURCE_CAPTURES_QUERY: TypedDocumentNode<{ competitorSource: Source & { captures: Capture[] } }, { id: string; limit: number }> = gql`
  query CompetitorSourceCaptures($id: ID!, $limit: Int) { competitorSource(id: $id) { ${SOURCE_FIELDS} captures(limit: $limit) { ${CAPTURE_FIELDS} } } }
`;

export const ALERTS_QUERY: TypedDocumentNode<{ competitorAlerts: Alert[]; unreadCompetitorAlerts: number }, { unreadOnly: boolean; sourceId?: string | null; limit: number }> = gql`
  query CompetitorAlerts($unreadOnly: Boolean, $sourceId: ID, $limit: Int) {
    competitorAlerts(unreadOnly: $unreadOnly, sourceId: $sourceId, limit: $limit) { ${ALERT_FIELDS} }
    unreadCompetitorAlerts
  }
`;

export const UNREAD_ALERTS_QUERY: TypedDocumentNode<{ unreadCompetitorAlerts: number }, Record<string, never>> = gql`
  query UnreadCompetitorAlerts { unreadCompetitorAlerts }
`;

export const ADD_SOURCE_MUTATION: TypedDocumentNode<{ addCompetitorSource: Source }, { input: SourceInput }> = gql`
  mutation AddCompetitorSource($input: CompetitorSourceInput!) { addCompetitorSource(input: $input) { ${SOURCE_FIELDS} } }
`;

export const UPDATE_SOURCE_MUTATION: TypedDocumentNode<{ updateCompetitorSource: Source }, { id: string; input: Omit<SourceInput, 'competitorName' | 'kind' | 'website'> }> = gql`
  mutation UpdateCompetitorSource($id: ID!, $input: CompetitorSourceUpdate!) { updateCompetitorSource(id: $id, input: $input) { ${SOURCE_FIELDS} } }
`;

export const REMOVE_SOURCE_MUTATION: TypedDocumentNode<{ removeCompetitorSource: boolean }, { id: string }> = gql`
  mutation RemoveCompetitorSource($id: ID!) { removeCompetitorSource(id: $id) }
`;

export const PREVIEW_SOURCE_MUTATION: TypedDocumentNode<{ previewCompetitorSource: Preview }, { input: { kind: SourceKind; url: string; selectors?: Partial<Selectors> | null } }> = gql`
  mutation PreviewCompetitorSource($input: CompetitorSourcePreviewInput!) {
    previewCompetitorSource(input: $input) { url httpStatus error feedFormat title products { ${PRODUCT} } entries { ${ENTRY} } paragraphs unreadPrices }
  }
`;

export const CAPTURE_SOURCE_MUTATION: TypedDocumentNode<{ captureCompetitorSource: { status: CaptureStatus; error: string | null; alerts: Alert[]; capture: Capture | null } }, { id: string }> = gql`
  mutation CaptureCompetitorSource($id: ID!) {
    captureCompetitorSource(id: $id) { status error alerts { ${ALERT_FIELDS} } capture { ${CAPTURE_FIELDS} } }
  }
`;

export const MARK_ALERT_READ_MUTATION: TypedDocumentNode<{ markAlertRead: Pick<Alert, 'id' | 'read'> }, { id: string; read: boolean }> = gql`
  mutation MarkAlertRead($id: ID!, $read: Boolean) { markAlertRead(id: $id, read: $read) { id read } }
`;

export const MARK_ALL_ALERTS_READ_MUTATION: TypedDocumentNode<{ markAllAlertsRead: number }, Record<string, never>> = gql`
  mutation MarkAllAlertsRead { markAllAlertsRead }
`;
