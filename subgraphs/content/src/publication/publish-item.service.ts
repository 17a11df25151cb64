// Publishes one content item through the connector of its channel, exactly
// once per idempotency key, with every attempt in the publication log.
//
//   - the channel has an active connection → that connector;
//   - blog / landing page without one → the built-in site connector;
//   - otherwise nothing happens ("no_connector": the item stays scheduled).
//
// Single posts (social, webhook): claim → [reconcile] → publish → record.
// E-mail and SMS fan out to the consenting members of the channel's list:
// each recipient is a content.message_send with its own key
// (`<key>:to:<contactId>`), claimed, consent-checked again, sent and
// recorded on its own, so a retry or replay sends only what was not sent.
// A recipient whose earlier send has an unknown outcome is reconciled with
// the provider (Twilio) or re-sent with the same Message-ID (SMTP).
import type { MikroORM } from '@mikro-orm/postgresql';
import { DateTime } from 'luxon';
import { withTenant, type EntityManager } from '@ensemble/db/orm';
import { AppError, notFound } from '@ensemble/tenancy/errors';
import { isUuid } from '@ensemble/tenancy/ids';
import type { ObjectStorage } from '@ensemble/storage/storage';
import { uuidV5 } from '../pipeline/deterministic-id.ts';
import { sql, toDateOrNull } from '../pipeline/sql.ts';
import type { ChannelKind } from '../planning/slot-plan.ts';
import { isProviderError, type Connector, type Credentials, type PublishItem, type PublishRequest, type PublishResult, type Recipient } from '../connectors/connector.ts';
import { connectedChannel, connectionCredentials, type ChannelConnection } from '../connectors/connection.service.ts';
import { accessToken } from '../connectors/oauth.ts';
import { createConnectorRegistry, type ConnectorRegistry } from '../connectors/registry.ts';
import { endpointsFromEnv } from '../connectors/endpoints.ts';
import { egressFromEnv } from '../egress/test-routes.ts';
import { consentingRecipients, createUnsubscribeToken, hasConsent, type ConsentChannel } from '../contacts/contacts.service.ts';
import { claimPublication, recordOutcome, type Claim, type Trigger } from './attempts.ts';
import { SITE_CHANNELS, publicationKey, publishToSite, recordCampaignLinks, type RunItem } from './publication.service.ts';
import { absoluteMediaUrls, embedUrl } from '../media/media-url.ts';
import { tagLinks, tagUrl, utmTagsFor, type TaggedLink } from '../utm/utm-tagger.ts';

export interface PublishDeps {
  orm: MikroORM;
  connectors: ConnectorRegistry;
  /** where the site connector writes its pages (the process's: configuredStorage()) */
  storage: ObjectStorage;
  now: () => Date;
}

export interface PublishItemInput {
  tenantId: string;
  itemId: string;
  key: string;
  trigger: Trigger;
  /** yyyy-mm of the campaign (UTM); default: the item's run month, else the current month */
  month?: string;
  brandName?: string;
  brandUrl?: string | null;
}

export interface RecipientCounts {
  total: number;
  sent: number;
  alreadySent: number;
  suppressed: number;
  failed: number;
}

export type PublishOutcome =
  | { status: 'sent'; publicationId: string; connector: string; replayed: boolean; reconciled: boolean; externalId: string | null; url: string | null; recipients: RecipientCounts | null }
  | { status: 'failed'; publicationId: string; connector: string; error: string; retryable: boolean; recipients: RecipientCounts | null }
  | { status: 'no_connector'; channel: ChannelKind };

type Tx = <T>(fn: (em: EntityManager) => Promise<T>) => Promise<T>;

interface Loaded {
  item: RunItem & { imageMediaId: string | null; runMonth: string | null };
  target: ChannelConnection | null;
  tenantName: string;
  timeZone: string;
}

async function loadItem(em: EntityManager, itemId: string, version: number | null): Promise<Loaded['item'] | null> {
  const [r] = await sql(em,
    `select i.id, i.channel, i.status, i.title, i.locale, i.slug, i.meta_description, i.created_at, v.version, v.title as version_title,
            v.body, s.scheduled_at, r.month as run_month,
            (select m.id from content.content_media cm join content.media m on m.tenant_id = cm.tenant_id and m.id = cm.media_id
              where cm.item_id = i.id and m.kind = 'image' and m.deleted_at is null order by (cm.role = 'hero') desc, cm.position limit 1) as image_id
       from content.content_item i
       join content.content_version v on v.tenant_id = i.tenant_id and v.item_id = i.id and v.version = coalesce(?::int, i.current_version)
       left join content.calendar_slot s on s.tenant_id = i.tenant_id and s.id = i.calendar_slot_id
       left join content.pipeline_run r on r.tenant_id = i.tenant_id and r.id = i.pipeline_run_id
      where i.id = ?`, [version, itemId]);
  if (!r) return null;
  return {
    id: r['id'] as string,
    channel: r['channel'] as ChannelKind,
    status: r['status'] as RunItem['status'],
    title: (r['version_title'] as string | null) ?? (r['title'] as string),
    locale: r['locale'] as string,
    slug: (r['slug'] as string | null) ?? (r['id'] as string),
    metaDescription: (r['meta_description'] as string | null) ?? null,
    version: r['version'] as number,
    body: r['body'] as string,
    scheduledAt: toDateOrNull(r['scheduled_at']),
    createdAt: toDateOrNull(r['created_at']) ?? new Date(0),
    imageMediaId: (r['image_id'] as string | null) ?? null,
    runMonth: (r['run_month'] as string | null) ?? null,
  };
}

/** The key an item is published under: its pipeline run's, else a manual one (so both paths share it). */
export async function publicationKeyForItem(em: EntityManager, itemId: string): Promise<string> {
  const [row] = await sql<{ workflow_id: string | null }>(em,
    `select r.workflow_id from content.content_item i left join content.pipeline_run r on r.tenant_id = i.tenant_id and r.id = i.pipeline_run_id where i.id = ?`, [itemId]);
  return row?.workflow_id ? publicationKey(row.workflow_id, itemId) : `manual:publication:${itemId}`;
}

function channelConsent(connector: Connector): ConsentChannel {
  return connector.code === 'twilio' ? 'sms' : 'email';
}

function errorText(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).slice(0, 2000);
}

export function createPublisher(deps: PublishDeps) {
  const txOf = (tenantId: string): Tx => (fn) => withTenant(deps.orm, tenantId, null, ({ em }) => fn(em));

  /** Calls `fn` with credentials; an OAuth token the provider rejects is refreshed once and the call repeated. */
  async function withCredentials<T>(tx: Tx, tenantId: string, connector: Connector, target: ChannelConnection, fn: (c: Credentials) => Promise<T>): Promise<T> {
    let credentials = await credentialsForTenant(tx, tenantId, connector, target);
    try {
      return await fn(credentials);
    } catch (error) {
      if (!connector.oauth || !isProviderError(error) || !error.tokenRejected) throw error;
      credentials = await credentialsForTenant(tx, tenantId, connector, target, credentials.accessToken);
      return fn(credentials);
    }
  }

  /** Credentials for one call: an access token for OAuth connectors (refreshed when expired or rejected). */
  async function credentialsForTenant(tx: Tx, tenantId: string, connector: Connector, target: ChannelConnection, rejected?: string): Promise<Credentials> {
    if (!connector.oauth) return tx((em) => connectionCredentials(em, target.connectionId));
    const token = await accessToken(tx, deps.connectors.endpoints, {
      tenantId, connectionId: target.connectionId, connectorId: target.connectorId, connector: target.connector,
    }, deps.now(), rejected);
    return { accessToken: token };
  }

  async function publish(input: PublishItemInput, version: number | null = null): Promise<PublishOutcome> {
    const tx = txOf(input.tenantId);
    const loaded = await tx(async (em): Promise<Loaded | null> => {
      const item = await loadItem(em, input.itemId, version);
      if (!item) return null;
      const [tenant] = await sql<{ name: string; time_zone: string }>(em, `select name, time_zone from tenants.tenant where id = ?`, [input.tenantId]);
      return { item, target: await connectedChannel(em, item.channel), tenantName: tenant?.name ?? '', timeZone: tenant?.time_zone ?? 'UTC' };
    });
    if (!loaded) throw notFound('Content item');
    const { item, target } = loaded;
    const now = deps.now();
    const month = input.month ?? item.runMonth ?? DateTime.fromJSDate(now, { zone: loaded.timeZone }).toFormat('yyyy-MM');
    const brandName = input.brandName ?? loaded.tenantName;

    if (!target) {
      if (!SITE_CHANNELS.includes(item.channel)) return { status: 'no_connector', channel: item.channel };
      const site = await publishToSite(tx, {
        tenantId: input.tenantId, workflowId: input.key.split(':publication:')[0] ?? input.key, key: input.key, trigger: input.trigger, month, item,
        brandName, brandUrl: input.brandUrl ?? null, storage: deps.storage, mediaBaseUrl: deps.connectors.endpoints.mediaBaseUrl, now,
      });
      return { status: 'sent', publicationId: site.publicationId, connector: 'site', replayed: site.replayed, reconciled: false, externalId: site.path, url: null, recipients: null };
    }

    const connector = deps.connectors.get(target.connector);
    if (!connector || !connector.channels.includes(item.channel)) return { status: 'no_connector', channel: item.channel };

    const tags = utmTagsFor({ channel: item.channel, month, slug: item.slug });
    // C10: every link the post carries is tagged before it leaves (tagging twice changes nothing);
    // embedded media get the public origin, since no channel reads them on the app's.
    const mediaBase = deps.connectors.endpoints.mediaBaseUrl;
    const tagged = tagLinks(absoluteMediaUrls(item.body, mediaBase), tags, 'markdown');
    const brandUrl = input.brandUrl ?? (typeof target.settings['link'] === 'string' ? target.settings['link'] : null);
    const publishItem: PublishItem = {
      id: item.id,
      channel: item.channel,
      title: item.title,
      body: tagged.text,
      locale: item.locale,
      slug: item.slug,
      metaDescription: item.metaDescription,
      // A provider fetches the image itself: only an absolute embed URL will do.
      imageUrl: item.imageMediaId && mediaBase
        ? embedUrl(input.tenantId, item.imageMediaId, mediaBase)
        : typeof target.settings['defaultImageUrl'] === 'string' ? target.settings['defaultImageUrl'] : null,
      link: brandUrl ? tagUrl(brandUrl, tags) : null,
    };
    const base: PublishRequest = {
      tenantId: input.tenantId, item: publishItem, version: item.version, channel: item.channel, idempotencyKey: input.key,
      credentials: {}, settings: target.settings, brandName, tags,
    };

    let summary: Record<string, unknown>;
    try {
      summary = { ...connector.describe(base) };
    } catch (error) {
      summary = { method: '?', url: '?', problem: errorText(error) };
    }
    const claim = await tx((em) => claimPublication(em, {
      tenantId: input.tenantId, itemId: item.id, version: item.version, channel: item.channel, channelId: target.channelId,
      key: input.key, connector: connector.code, trigger: input.trigger, request: summary, now,
    }));
    if (claim.done) {
      return { status: 'sent', publicationId: claim.publicationId, connector: connector.code, replayed: true, reconciled: false, externalId: claim.externalId, url: claim.externalUrl, recipients: null };
    }
    if (connector.perRecipient) return fanOut(tx, input, claim, connector, target, base, month, tagged.links);

    // One post: reconcile an unknown earlier outcome, else publish.
    try {
      let result: PublishResult | null = null;
      let reconciled = false;
      if (claim.reconcileSince && connector.reconcile) {
        result = await withCredentials(tx, input.tenantId, connector, target, (credentials) => connector.reconcile!({ ...base, credentials }, claim.reconcileSince!));
        reconciled = result !== null;
      }
      result ??= await withCredentials(tx, input.tenantId, connector, target, (credentials) => connector.publish({ ...base, credentials }));
      const done = result;
      await tx(async (em) => {
        const links = [...tagged.links, ...(publishItem.link ? [{ destination: brandUrl!, tagged: publishItem.link }] : [])];
        await recordCampaignLinks(em, { tenantId: input.tenantId, itemId: item.id, publicationId: claim.publicationId, month, tags, links });
        await recordOutcome(em, claim, item.id, { status: reconciled ? 'reconciled' : 'sent', responseStatus: done.responseStatus ?? null, externalId: done.externalId, externalUrl: done.url ?? null }, deps.now());
        await sql(em, `update tenants.connector_connection set last_used_at = now(), last_error = null where id = ?`, [target.connectionId]);
      });
      return { status: 'sent', publicationId: claim.publicationId, connector: connector.code, replayed: false, reconciled, externalId: done.externalId, url: done.url ?? null, recipients: null };
    } catch (error) {
      const status = isProviderError(error) ? error.status : null;
      await tx((em) => recordOutcome(em, claim, item.id, { status: 'failed', responseStatus: status, error: errorText(error) }, deps.now()));
      return { status: 'failed', publicationId: claim.publicationId, connector: connector.code, error: errorText(error), retryable: isProviderError(error) ? error.retryable : true, recipients: null };
    }
  }

  async function fanOut(tx: Tx, input: PublishItemInput, claim: Claim, connector: Connector, target: ChannelConnection, base: PublishRequest, month: string, links: readonly TaggedLink[]): Promise<PublishOutcome> {
    const consent = channelConsent(connector);
    const counts: RecipientCounts = { total: 0, sent: 0, alreadySent: 0, suppressed: 0, failed: 0 };
    const fail = async (message: string, retryable: boolean): Promise<PublishOutcome> => {
      await tx((em) => recordOutcome(em, claim, base.item.id, { status: 'failed', error: message, details: { ...counts } }, deps.now()));
      return { status: 'failed', publicationId: claim.publicationId, connector: connector.code, error: message, retryable, recipients: counts };
    };
    const listId = typeof target.settings['listId'] === 'string' ? target.settings['listId'] : null;
    if (!listId || !isUuid(listId)) return fail(`the ${target.channelKind} channel has no contact list: choose one in its settings`, false);

    let credentials: Credentials;
    try {
      credentials = await tx((em) => connectionCredentials(em, target.connectionId));
    } catch (error) {
      return fail(errorText(error), false);
    }
    const recipients = await tx((em) => consentingRecipients(em, listId, consent));
    // Recipients already sent to under this key count as sent, even if they left the list since.
    const earlier = await tx((em) => sql<{ contact_id: string | null; status: string }>(em,
      `select contact_id, status from content.message_send where publication_id = ? and status in ('sent', 'delivered')`, [claim.publicationId]));
    const sentBefore = new Set(earlier.map((e) => e.contact_id));
    counts.total = recipients.length + [...sentBefore].filter((id) => !recipients.some((r) => r.contactId === id)).length;
    counts.alreadySent = counts.total - recipients.length;
    if (counts.total === 0) return fail(`nobody on the list has consented to ${consent === 'email' ? 'e-mail' : 'SMS'}`, false);
    let firstError: string | null = null;
    let retryable = false;

    for (const recipient of recipients) {
      const sendKey = `${input.key}:to:${recipient.contactId}`;
      const sendId = uuidV5(sendKey);
      const prepared = await tx(async (em) => {
        await sql(em,
          `insert into content.message_send (id, tenant_id, channel, contact_id, to_address, item_id, list_id, subject, locale, provider, idempotency_key, status, publication_id)
           values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'queued', ?) on conflict do nothing`,
          [sendId, input.tenantId, consent, recipient.contactId, recipient.address, base.item.id, listId,
            consent === 'email' ? base.item.title : null, recipient.locale, connector.code, sendKey, claim.publicationId]);
        const [send] = await sql<{ status: string; attempts: number; last_attempt_at: unknown }>(em,
          `select status, attempts, last_attempt_at from content.message_send where idempotency_key = ? for update`, [sendKey]);
        if (send!.status === 'sent' || send!.status === 'delivered') return { skip: 'sent' as const };
        // Consent is checked again at the last moment: an unsubscribe a second ago counts.
        if (!(await hasConsent(em, recipient.contactId, consent))) {
          await sql(em, `update content.message_send set status = 'suppressed', error = 'no consent' where id = ?`, [sendId]);
          return { skip: 'suppressed' as const };
        }
        const unknownSince = send!.status === 'queued' && send!.attempts > 0 ? toDateOrNull(send!.last_attempt_at) : null;
        await sql(em, `update content.message_send set attempts = attempts + 1, last_attempt_at = ?, status = 'queued', error = null where id = ?`, [deps.now(), sendId]);
        const token = consent === 'email' ? await createUnsubscribeToken(em, input.tenantId, recipient.contactId, 'email', sendId) : null;
        return { skip: null, unknownSince, token };
      });
      if (prepared.skip === 'sent') {
        counts.alreadySent += 1;
        continue;
      }
      if (prepared.skip === 'suppressed') {
        counts.suppressed += 1;
        continue;
      }
      const to: Recipient = {
        contactId: recipient.contactId,
        address: recipient.address,
        firstName: recipient.firstName,
        unsubscribeUrl: prepared.token ? `${deps.connectors.endpoints.publicWebUrl}/u/${prepared.token}` : null,
      };
      const request: PublishRequest = { ...base, idempotencyKey: sendKey, credentials, recipient: to };
      try {
        let result: PublishResult | null = null;
        if (prepared.unknownSince && connector.reconcile) result = await connector.reconcile(request, prepared.unknownSince);
        const reconciled = result !== null;
        result ??= await connector.publish(request);
        const done = result;
        await tx((em) => sql(em, `update content.message_send set status = 'sent', provider_message_id = ?, sent_at = ?, error = ? where id = ?`,
          [done.externalId, deps.now(), reconciled ? 'reconciled: an earlier attempt had sent it' : null, sendId]));
        counts.sent += 1;
      } catch (error) {
        const message = errorText(error);
        firstError ??= message;
        retryable ||= isProviderError(error) ? error.retryable : true;
        // A failure with no answer may still have been delivered: leave it queued so a retry reconciles it.
        const answered = isProviderError(error) && error.status !== null;
        await tx((em) => sql(em, `update content.message_send set status = ?, error = ? where id = ?`, [answered ? 'failed' : 'queued', message, sendId]));
        counts.failed += 1;
      }
    }

    if (counts.failed > 0) return fail(`${counts.failed} of ${counts.total} messages failed: ${firstError}`, retryable);
    if (counts.sent + counts.alreadySent === 0) return fail(`nobody on the list has consented to ${consent === 'email' ? 'e-mail' : 'SMS'}`, false);
    await tx(async (em) => {
      // The links as written and as sent (e-mail and SMS alike), from the one tagging pass above.
      await recordCampaignLinks(em, { tenantId: input.tenantId, itemId: base.item.id, publicationId: claim.publicationId, month, tags: base.tags, links });
      await sql(em, `update content.publication set recipients = ? where id = ?`, [counts.total, claim.publicationId]);
      await recordOutcome(em, claim, base.item.id, {
        status: 'sent', externalId: `${counts.sent + counts.alreadySent} ${consent === 'email' ? 'e-mails' : 'SMS'}`, details: { ...counts },
      }, deps.now());
      await sql(em, `update tenants.connector_connection set last_used_at = now(), last_error = null where id = ?`, [target.connectionId]);
    });
    return { status: 'sent', publicationId: claim.publicationId, connector: connector.code, replayed: false, reconciled: false, externalId: null, url: null, recipients: counts };
  }

  return {
    publish: (input: PublishItemInput) => publish(input),

    /** "Publish now": an approved (or scheduled) item, under the same key the pipeline would use. */
    async publishNow(tenantId: string, itemId: string): Promise<PublishOutcome> {
      if (!isUuid(itemId)) throw notFound('Content item');
      const { status, key } = await txOf(tenantId)(async (em) => {
        const [row] = await sql<{ status: string }>(em, `select status from content.content_item where id = ?`, [itemId]);
        if (!row) throw notFound('Content item');
        return { status: row.status, key: await publicationKeyForItem(em, itemId) };
      });
      if (!['approved', 'scheduled', 'published'].includes(status)) {
        throw new AppError('BAD_USER_INPUT', `only an approved item can be published (this one is ${status.replace('_', ' ')})`, { field: 'itemId' });
      }
      return publish({ tenantId, itemId, key, trigger: 'publish_now' });
    },

    /** Replays a publication by id under its own key: a sent one is not sent again, a failed one is retried. */
    async replay(tenantId: string, publicationId: string): Promise<PublishOutcome> {
      if (!isUuid(publicationId)) throw notFound('Publication');
      const found = await txOf(tenantId)((em) => sql<{ item_id: string; idempotency_key: string; version: number | null }>(em,
        `select item_id, idempotency_key, version from content.publication where id = ?`, [publicationId]));
      const [publication] = found;
      if (!publication) throw notFound('Publication');
      return publish({ tenantId, itemId: publication.item_id, key: publication.idempotency_key, trigger: 'replay' }, publication.version);
    },
  };
}

export type Publisher = ReturnType<typeof createPublisher>;

/** The connector that would publish this channel for the tenant now ('site', 'smtp'…), or null when none does. */
export async function connectorFor(em: EntityManager, channel: ChannelKind): Promise<string | null> {
  const target = await connectedChannel(em, channel);
  if (target) return target.connector;
  return SITE_CHANNELS.includes(channel) ? 'site' : null;
}

let processRegistry: ConnectorRegistry | null = null;

/** The connectors of this process, configured from its environment (SMTP_URL, provider URLs, test routes…). */
export function processConnectors(): ConnectorRegistry {
  if (!processRegistry) {
    const egress = egressFromEnv();
    processRegistry = createConnectorRegistry(endpointsFromEnv(), egress ? { egress } : {});
  }
  return processRegistry;
}

/** The publisher of a worker process, with the process's connectors. */
export function processPublisher(orm: MikroORM, storage: ObjectStorage, now: () => Date): Publisher {
  return createPublisher({ orm, connectors: processConnectors(), storage, now });
}
