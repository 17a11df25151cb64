// E-mail newsletters over SMTP with nodemailer: one message per consenting
// recipient. Through the client's own server (credentials.url) or the
// platform relay (SMTP_URL; `npm start` points it at the local mail catcher).
//
// A client's server is the client's word, held to the webhooks' SSRF policy
// (@ensemble/ingest/safe-fetch): its URL is refused when the connection is
// saved (connection.service.ts) and again when it is used if the host is
// loopback, private, link-local, metadata or an internal name; and nodemailer
// opens no socket of its own for it (getSocket): every DNS answer is checked
// and the socket goes to exactly the addresses that passed, so a name that
// rebinds to an inside address is refused too. The relay is the operator's
// setting and is not checked. Tests reach a local catcher the way webhook
// tests reach a local receiver: through the policy's resolver and dialler
// seam (`egress`), a public test name whose connections the dialler routes to
// loopback; there is no switch that lets a private address through.
//
// Exactly once: SMTP cannot be asked what it already accepted, so a retry
// after a crash between the server's "250" and our record sends again — with
// the same Message-ID, derived from the idempotency key. Receivers that
// deduplicate by Message-ID (Gmail does, the mail catcher does) show one
// e-mail; others may show two. That window is one SMTP reply long.
import nodemailer from 'nodemailer';
import type { Transporter } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport/index.js';
import { checkPublicHost, connectPublicHost, isLastingFailure, SafeFetchError, systemResolve, type SafeFetcherDeps } from '@ensemble/ingest/safe-fetch';
import { uuidV5 } from '../pipeline/deterministic-id.ts';
import { renderEmail } from '../publication/email-render.ts';
import { ProviderError, type Connector, type PublishRequest, type PublishResult, type RequestSummary } from './connector.ts';
import type { ProviderEndpoints } from './endpoints.ts';

/** `<uuid@host>`: the same key always gives the same Message-ID. */
export function messageIdFor(idempotencyKey: string, from: string): string {
  const domain = /@([^>\s]+)>?\s*$/.exec(from)?.[1] ?? 'ensemble.localhost';
  return `<${uuidV5(`message-id:${idempotencyKey}`)}@${domain}>`;
}

function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'smtp://(invalid URL)';
  }
}

/**
 * A client's SMTP server URL (smtp:// or smtps://) with a public host: the
 * check made before any I/O, when the connection is saved and when it is used.
 * Throws a SafeFetchError (BAD_USER_INPUT) whose message hides the password.
 */
export function publicSmtpUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new SafeFetchError('invalid-url', redact(raw), 'The SMTP server address is not a valid URL (smtp://user:password@host:port).');
  }
  const shown = redact(url.href);
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') {
    throw new SafeFetchError('scheme', shown, `An SMTP server address starts with smtp:// or smtps://, not ${url.protocol}//.`);
  }
  if (!url.hostname) throw new SafeFetchError('invalid-url', shown, `${shown} names no server.`);
  checkPublicHost(url.hostname, shown, 'connect to');
  return url.href;
}

export interface SmtpConnector extends Connector {
  close(): void;
}

export interface SmtpConnectorOptions {
  /** how a client's server is reached: the SSRF policy over system DNS, or a test's resolver and dialler */
  egress?: SafeFetcherDeps;
}

const CONNECTION_TIMEOUT_MS = 10_000;

export function smtpConnector(endpoints: ProviderEndpoints, options: SmtpConnectorOptions = {}): SmtpConnector {
  const egress = options.egress ?? { resolve: systemResolve };
  const transports = new Map<string, Transporter<SMTPTransport.SentMessageInfo>>();

  function serverUrl(request: PublishRequest): { url: string; client: boolean } {
    const own = request.credentials.url;
    if (own) {
      try {
        return { url: publicSmtpUrl(own), client: true };
      } catch (error) {
        throw new ProviderError(`SMTP: ${(error as Error).message}`, { retryable: false, cause: error });
      }
    }
    if (!endpoints.smtpUrl) throw new ProviderError('no SMTP server: the connection has none and SMTP_URL is not set', { retryable: false });
    return { url: endpoints.smtpUrl, client: false };
  }

  /** A client's server: nodemailer gets a socket the policy opened (see the header). */
  const checkedSocket: SMTPTransport.Options['getSocket'] = (socketOptions, callback) => {
    const host = socketOptions.host ?? '';
    const port = Number(socketOptions.port) || (socketOptions.secure ? 465 : 587);
    connectPublicHost(egress, host, port, { shown: `smtp://${host}:${port}`, timeoutMs: CONNECTION_TIMEOUT_MS }).then(
      (connection) => callback(null, { connection }),
      (error: Error) => callback(error),
    );
  };

  function transport({ url, client }: { url: string; client: boolean }) {
    let t = transports.get(url);
    if (!t) {
      // A small pool: a newsletter is many messages to one server.
      t = nodemailer.createTransport({
        url,
        pool: true,
        maxConnections: 2,
        connectionTimeout: CONNECTION_TIMEOUT_MS,
        greetingTimeout: 10_000,
        socketTimeout: 20_000,
        ...(client ? { getSocket: checkedSocket } : {}),
      } as SMTPTransport.Options);
      transports.set(url, t);
    }
    return t;
  }

  function sender(request: PublishRequest): string {
    const from = request.settings['from'];
    if (typeof from === 'string' && from.trim()) return from.trim();
    // The relay's address under the brand's name.
    const address = /<([^>]+)>/.exec(endpoints.smtpFrom)?.[1] ?? endpoints.smtpFrom;
    return `"${request.brandName.replace(/["\\]/g, '')}" <${address}>`;
  }

  return {
    code: 'smtp',
    channels: ['newsletter', 'email'],
    perRecipient: true,
    oauth: false,
    describe(request) {
      const summary: RequestSummary = { method: 'SMTP', url: redact(serverUrl(request).url), messageId: messageIdFor(request.idempotencyKey, sender(request)) };
      if (request.recipient) summary['to'] = request.recipient.contactId;
      return summary;
    },
    async publish(request): Promise<PublishResult> {
      const recipient = request.recipient;
      if (!recipient) throw new ProviderError('an e-mail needs a recipient', { retryable: false });
      const from = sender(request);
      const email = renderEmail({
        title: request.item.title,
        body: request.item.body,
        locale: request.item.locale,
        brandName: request.brandName,
        tags: request.tags,
        unsubscribeUrl: recipient.unsubscribeUrl,
        mediaBaseUrl: endpoints.mediaBaseUrl,
      });
      const messageId = messageIdFor(request.idempotencyKey, from);
      const listId = typeof request.settings['listId'] === 'string' ? `<${request.settings['listId']}.${request.tenantId}.lists.ensemble>` : undefined;
      try {
        const info = await transport(serverUrl(request)).sendMail({
          from,
          to: recipient.firstName ? { name: recipient.firstName, address: recipient.address } : recipient.address,
          subject: email.subject,
          html: email.html,
          text: email.text,
          messageId,
          headers: {
            // RFC 8058: a POST to this URL unsubscribes, no confirmation page in between.
            ...(recipient.unsubscribeUrl ? { 'List-Unsubscribe': `<${recipient.unsubscribeUrl}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' } : {}),
            ...(listId ? { 'List-Id': listId } : {}),
            'X-Ensemble-Idempotency-Key': request.idempotencyKey,
          },
        });
        const code = Number(/^(\d{3})/.exec(info.response ?? '')?.[1] ?? 250);
        if (info.rejected.length > 0) throw new ProviderError(`the SMTP server refused ${recipient.address}`, { status: code, retryable: false });
        return { externalId: messageId, responseStatus: code };
      } catch (error) {
        if (error instanceof ProviderError) throw error;
        if (error instanceof SafeFetchError) {
          throw new ProviderError(`SMTP: ${error.message}`, { retryable: !isLastingFailure(error.reason), cause: error });
        }
        const e = error as Error & { responseCode?: number; code?: string };
        // 4xx replies and connection problems may pass later; 5xx replies will not.
        const status = e.responseCode ?? null;
        throw new ProviderError(`SMTP: ${e.message}`, { status, retryable: status === null || (status >= 400 && status < 500), cause: error });
      }
    },
    close() {
      for (const t of transports.values()) t.close();
      transports.clear();
    },
  };
}
