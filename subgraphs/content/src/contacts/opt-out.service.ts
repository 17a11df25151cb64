// C8: opting out without an account. Two doors, both arriving before any
// tenant is known:
//  - the one-click link of an e-mail (RFC 8058): the token's hash is looked up
//    by app.unsubscribe_token(), then the tenant it belongs to is entered;
//  - an SMS reply "STOP" through Twilio's inbound webhook: the account and
//    number it was sent to name the connection (app.sms_connection_for()),
//    and the request must carry a valid X-Twilio-Signature made with that
//    connection's auth token.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import { withTenant, withoutTenant } from '@ensemble/db/orm';
import { AppError, notFound } from '@ensemble/tenancy/errors';
import { sql } from '../pipeline/sql.ts';
import { connectionCredentials } from '../connectors/connection.service.ts';
import { applyUnsubscribe, hashToken, recordConsent, type ConsentChannel, type UnsubscribeOutcome } from './contacts.service.ts';

const TOKEN = /^[A-Za-z0-9_-]{20,100}$/;

export async function unsubscribeByToken(orm: MikroORM, token: string, now: Date = new Date()): Promise<UnsubscribeOutcome> {
  if (typeof token !== 'string' || !TOKEN.test(token)) throw notFound('Unsubscribe link');
  const [found] = await withoutTenant(orm, (em) => sql<{ token_id: string; tenant_id: string; contact_id: string; channel: ConsentChannel; send_id: string | null }>(em,
    `select * from app.unsubscribe_token(?)`, [hashToken(token)]));
  if (!found) throw notFound('Unsubscribe link');
  return withTenant(orm, found.tenant_id, null, ({ em }) => applyUnsubscribe(em, {
    tokenId: found.token_id, tenantId: found.tenant_id, contactId: found.contact_id, channel: found.channel, sendId: found.send_id,
  }, now));
}

// --- Twilio inbound SMS -------------------------------------------------------------

/** Twilio's opt-out and opt-in keywords (Twilio also answers them itself on standard numbers), plus French ones. */
const STOP_WORDS = new Set(['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'OPTOUT', 'REVOKE', 'ARRET', 'ARRÊT']);
const START_WORDS = new Set(['START', 'UNSTOP', 'YES', 'OPTIN']);

/**
 * X-Twilio-Signature: base64(HMAC-SHA1(auth token, URL + every POST parameter
 * name and value, sorted by name, concatenated)).
 */
export function twilioSignature(authToken: string, url: string, params: Record<string, string>): string {
  const data = Object.keys(params).sort().reduce((acc, key) => acc + key + params[key], url);
  return createHmac('sha1', authToken).update(data, 'utf8').digest('base64');
}

export function validTwilioSignature(authToken: string, url: string, params: Record<string, string>, signature: string | undefined): boolean {
  if (!signature) return false;
  const expected = Buffer.from(twilioSignature(authToken, url, params));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

export interface InboundSms {
  /** the full public URL Twilio posted to (part of the signature) */
  url: string;
  /** the form parameters as posted */
  params: Record<string, string>;
  signature: string | undefined;
}

export interface InboundOutcome {
  action: 'opted_out' | 'opted_in' | 'ignored';
  contacts: number;
}

export async function handleInboundSms(orm: MikroORM, inbound: InboundSms): Promise<InboundOutcome> {
  const accountSid = inbound.params['AccountSid'] ?? '';
  const to = inbound.params['To'] ?? '';
  const from = inbound.params['From'] ?? '';
  const [connection] = await withoutTenant(orm, (em) => sql<{ tenant_id: string; connection_id: string }>(em,
    `select * from app.sms_connection_for(?, ?)`, [accountSid, to]));
  // Unknown number and bad signature get the same answer: nothing to learn from probing.
  const refused = new AppError('UNAUTHENTICATED', 'The request is not signed by a known account');
  if (!connection) throw refused;
  return withTenant(orm, connection.tenant_id, null, async ({ em }) => {
    const credentials = await connectionCredentials(em, connection.connection_id);
    if (!credentials.secret || !validTwilioSignature(credentials.secret, inbound.url, inbound.params, inbound.signature)) throw refused;
    const word = (inbound.params['Body'] ?? '').trim().toUpperCase().replace(/[.!]+$/, '');
    const granted = START_WORDS.has(word) ? true : STOP_WORDS.has(word) ? false : null;
    if (granted === null) return { action: 'ignored', contacts: 0 };
    const contacts = await sql<{ id: string }>(em, `select id from content.contact where phone = ? and status <> 'erased'`, [from]);
    for (const contact of contacts) {
      await recordConsent(em, connection.tenant_id, contact.id, 'sms', granted, 'api', {
        keyword: word, messageSid: inbound.params['MessageSid'] ?? null, to, receivedAt: new Date().toISOString(),
      });
    }
    return { action: granted ? 'opted_in' : 'opted_out', contacts: contacts.length };
  });
}

/** A plain Node handler for the inbound webhook (POST, form-encoded), answering TwiML. */
export function inboundSmsHandler(orm: MikroORM, publicUrl: (path: string) => string) {
  return async (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse): Promise<void> => {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > 64 * 1024) {
        res.writeHead(413).end();
        return;
      }
      chunks.push(chunk as Buffer);
    }
    const params = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
    try {
      await handleInboundSms(orm, { url: publicUrl(req.url ?? '/'), params, signature: req.headers['x-twilio-signature'] as string | undefined });
      res.writeHead(200, { 'content-type': 'text/xml' }).end('<?xml version="1.0" encoding="UTF-8"?><Response/>');
    } catch (error) {
      const status = error instanceof AppError && error.code === 'UNAUTHENTICATED' ? 403 : 500;
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status === 403 ? 'Forbidden' : 'Error');
    }
  };
}

/**
 * RFC 8058 one-click: mail clients POST `List-Unsubscribe=One-Click` to the
 * List-Unsubscribe URL (…/u/<token>), without cookies or a page. A plain Node
 * handler, to be mounted on a public route (see the connectors README).
 */
export function oneClickUnsubscribeHandler(orm: MikroORM) {
  return async (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse): Promise<void> => {
    const token = /\/u\/([A-Za-z0-9_-]+)\/?$/.exec(new URL(req.url ?? '/', 'http://x').pathname)?.[1];
    if (req.method !== 'POST' || !token) {
      res.writeHead(405, { allow: 'POST' }).end();
      return;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of req) {
      chunks.push(chunk as Buffer);
      if (chunks.reduce((n, c) => n + c.length, 0) > 4096) {
        res.writeHead(413).end();
        return;
      }
    }
    if (new URLSearchParams(Buffer.concat(chunks).toString('utf8')).get('List-Unsubscribe') !== 'One-Click') {
      res.writeHead(400, { 'content-type': 'text/plain' }).end('Expected List-Unsubscribe=One-Click');
      return;
    }
    try {
      await unsubscribeByToken(orm, token);
      res.writeHead(200, { 'content-type': 'text/plain' }).end('Unsubscribed');
    } catch (error) {
      const missing = error instanceof AppError && error.code === 'NOT_FOUND';
      res.writeHead(missing ? 404 : 500, { 'content-type': 'text/plain' }).end(missing ? 'Unknown link' : 'Error');
    }
  };
}
