// C8 / W1 step 6: the one shape every publishing connector has. A connector
// turns one content item (one version, one channel) into one provider call,
// or, for e-mail and SMS, one message to one recipient. It never touches the
// database: the publication service claims the idempotency key, writes the
// attempt, calls the connector, and records what it answered.
//
// `reconcile` is how a connector keeps "exactly once" across a crash between
// the provider's success and our record of it: asked with the same request,
// it looks at the provider for what an earlier attempt may have created
// (matched by content and time) and returns it, or null when nothing was
// created, so the caller may act again. Connectors that cannot ask
// (SMTP, webhooks) instead make a repeat recognisable to the receiver
// (a Message-ID, a webhook-id derived from the key). docs in
// subgraphs/content/src/connectors/README.md say which guarantee each gives.
import type { ChannelKind } from '../planning/slot-plan.ts';
import type { UtmTags } from '../utm/utm-tagger.ts';

export type ConnectorCode = 'site' | 'smtp' | 'twilio' | 'meta_pages' | 'linkedin' | 'google_business' | 'webhook';

export interface PublishItem {
  id: string;
  channel: ChannelKind;
  title: string;
  /** the version's markdown */
  body: string;
  locale: string;
  slug: string;
  metaDescription: string | null;
  /** a public image for channels that need one (Instagram), when known */
  imageUrl: string | null;
  /** the page this post points to (UTM-tagged), when there is one */
  link: string | null;
}

/** One recipient of an e-mail or SMS publication. */
export interface Recipient {
  contactId: string;
  /** e-mail address or E.164 phone number */
  address: string;
  firstName: string | null;
  /** RFC 8058 one-click unsubscribe URL (e-mail) */
  unsubscribeUrl: string | null;
}

/** Decrypted credentials of a connection (never logged, never stored in clear). */
export interface Credentials {
  /** OAuth connectors: a valid access token (refreshed by the caller when needed) */
  accessToken?: string;
  /** Twilio: auth token; SMTP: password; webhook: whsec_… signing secret */
  secret?: string;
  /** SMTP: a full smtp(s):// URL of the client's own server */
  url?: string;
}

export interface PublishRequest {
  tenantId: string;
  item: PublishItem;
  version: number;
  channel: ChannelKind;
  /** `<workflowId>:publication:<itemId>` (+ `:to:<contactId>` per recipient) */
  idempotencyKey: string;
  credentials: Credentials;
  /** the connection's non-secret settings (page id, sender, URL…) */
  settings: Record<string, unknown>;
  /** e-mail / SMS only */
  recipient?: Recipient;
  /** brand name for senders and footers */
  brandName: string;
  /** C10 tags for the links the connector renders */
  tags: UtmTags;
}

export interface PublishResult {
  externalId: string;
  url?: string | null;
  /** HTTP status (or SMTP reply code) of the call that succeeded */
  responseStatus?: number | null;
}

/** What went to the provider, without secrets: logged on the attempt. */
export interface RequestSummary {
  method: string;
  url: string;
  [detail: string]: unknown;
}

export interface Connector {
  code: ConnectorCode;
  /** the channels it can publish */
  channels: readonly ChannelKind[];
  /** true when it sends one message per recipient (e-mail, SMS) */
  perRecipient: boolean;
  /** true when its credentials are OAuth tokens */
  oauth: boolean;
  describe(request: PublishRequest): RequestSummary;
  publish(request: PublishRequest): Promise<PublishResult>;
  /** What an earlier attempt created at the provider since `since`, if anything. */
  reconcile?(request: PublishRequest, since: Date): Promise<PublishResult | null>;
}

/**
 * A provider's refusal. `status` is the HTTP status (or SMTP code);
 * `retryable` says whether the same call may succeed later (network, 5xx,
 * 429); `tokenRejected` asks the caller to refresh an OAuth token and retry once.
 */
export class ProviderError extends Error {
  override name = 'ProviderError';
  readonly status: number | null;
  readonly retryable: boolean;
  readonly tokenRejected: boolean;
  constructor(message: string, options: { status?: number | null; retryable?: boolean; tokenRejected?: boolean; cause?: unknown } = {}) {
    super(message, options.cause !== undefined ? { cause: options.cause } : undefined);
    this.status = options.status ?? null;
    this.retryable = options.retryable ?? false;
    this.tokenRejected = options.tokenRejected ?? false;
  }
}

export function isProviderError(error: unknown): error is ProviderError {
  return error instanceof ProviderError;
}

/** A setting the connection must have, or a clear error naming it. */
export function requiredSetting(settings: Record<string, unknown>, name: string, connector: string): string {
  const value = settings[name];
  if (typeof value !== 'string' || value.trim() === '') {
    throw new ProviderError(`the ${connector} connection has no "${name}" setting`, { retryable: false });
  }
  return value.trim();
}

/** Plain text of a markdown body for providers that take text (social posts, SMS). */
export function plainText(markdown: string): string {
  return markdown
    .replace(/\r\n?/g, '\n')
    .replace(/^#{1,6}\s+/gm, '')
    // An image is its description and address; no stray "!" before it.
    .replace(/!\[([^\]\n]*)\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"\n]*")?\s*\)/g, (_: string, alt: string, url: string) => (alt.trim() ? `${alt.trim()} (${url})` : url))
    .replace(/\[([^\]\n]+)\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"\n]*")?\s*\)/g, '$1 ($2)')
    .replace(/\*\*([^*]+)\*\*/g, '$1')
    .replace(/(^|[^*\w])\*([^*\n]+)\*(?!\w)/g, '$1$2')
    .replace(/`([^`]+)`/g, '$1')
    .replace(/^>\s?/gm, '')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** Two texts are the same post when they agree once whitespace is normalised (providers trim and fold). */
export function sameText(a: string | null | undefined, b: string | null | undefined): boolean {
  const norm = (s: string) => s.replace(/\s+/g, ' ').trim();
  return typeof a === 'string' && typeof b === 'string' && norm(a) === norm(b);
}
