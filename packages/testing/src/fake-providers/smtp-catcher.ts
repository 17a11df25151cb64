// A local mail catcher: a real SMTP server (smtp-server) on loopback that
// keeps every message it accepts (as .eml files under a directory when one
// is given) and shows them in a small web inbox. `npm start` sends the demo
// newsletter here, so the whole product runs with no mail account.
//
// Like the mailbox providers that do so (Gmail), it keeps one copy per
// Message-ID: a message delivered twice with the same Message-ID is counted
// (`deliveries`) but shown once.
//
//   standalone: MAIL_DIR=.data/mail SMTP_PORT=1025 MAIL_UI_PORT=8025 npx node packages/testing/src/fake-providers/smtp-catcher.ts
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import PostalMime, { type Address } from 'postal-mime';
import { SMTPServer } from 'smtp-server';

export interface CaughtMessage {
  /** position in the inbox, from 1 */
  id: number;
  messageId: string | null;
  from: string;
  to: string[];
  /** SMTP envelope recipients */
  envelopeTo: string[];
  subject: string;
  headers: Record<string, string>;
  text: string;
  html: string | null;
  receivedAt: Date;
  /** how many times a message with this Message-ID arrived */
  deliveries: number;
}

export interface SmtpCatcher {
  smtpUrl: string;
  smtpPort: number;
  /** the web inbox, when started with one */
  inboxUrl: string | null;
  messages(): CaughtMessage[];
  /** every accepted SMTP transaction, duplicates included */
  transactions(): number;
  /** resolves when `count` distinct messages are in the inbox */
  waitFor(count: number, timeoutMs?: number): Promise<CaughtMessage[]>;
  close(): Promise<void>;
}

export interface SmtpCatcherOptions {
  smtpPort?: number;
  /** a port for the web inbox; null or absent: no web inbox */
  httpPort?: number | null;
  host?: string;
  /** keep messages as .eml files here (and load them back at start) */
  dir?: string | null;
}

function addresses(list: Address[] | Address | undefined): string[] {
  const all = Array.isArray(list) ? list : list ? [list] : [];
  return all.flatMap((a) => (a.group ? a.group.map((m) => m.address) : [a.address ?? '']));
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

async function parse(raw: Buffer, id: number, envelopeTo: string[], receivedAt: Date): Promise<CaughtMessage> {
  const email = await PostalMime.parse(raw);
  const headers: Record<string, string> = {};
  for (const h of email.headers) headers[h.key] ??= h.value;
  return {
    id,
    messageId: email.messageId ?? null,
    from: addresses(email.from).join(', '),
    to: addresses(email.to),
    envelopeTo,
    subject: email.subject ?? '',
    headers,
    text: email.text ?? '',
    html: email.html ?? null,
    receivedAt,
    deliveries: 1,
  };
}

export async function startSmtpCatcher(options: SmtpCatcherOptions = {}): Promise<SmtpCatcher> {
  const host = options.host ?? '127.0.0.1';
  const inbox: CaughtMessage[] = [];
  let transactions = 0;
  const waiters: Array<() => void> = [];
  const dir = options.dir ?? null;

  if (dir) {
    mkdirSync(dir, { recursive: true });
    const files = readdirSync(dir).filter((f) => /^\d+\.eml$/.test(f)).sort((a, b) => parseInt(a, 10) - parseInt(b, 10));
    for (const file of files) {
      const raw = readFileSync(join(dir, file));
      const meta = (() => {
        try {
          return JSON.parse(readFileSync(join(dir, file.replace(/\.eml$/, '.json')), 'utf8')) as { envelopeTo: string[]; receivedAt: string; deliveries: number };
        } catch {
          return { envelopeTo: [], receivedAt: new Date().toISOString(), deliveries: 1 };
        }
      })();
      const message = await parse(raw, inbox.length + 1, meta.envelopeTo, new Date(meta.receivedAt));
      message.deliveries = meta.deliveries;
      inbox.push(message);
    }
  }

  function persist(message: CaughtMessage, raw: Buffer | null): void {
    if (!dir) return;
    if (raw) writeFileSync(join(dir, `${message.id}.eml`), raw);
    writeFileSync(join(dir, `${message.id}.json`), JSON.stringify({ envelopeTo: message.envelopeTo, receivedAt: message.receivedAt.toISOString(), deliveries: message.deliveries }));
  }

  const smtp = new SMTPServer({
    secure: false,
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    banner: 'Ensemble mail catcher',
    size: 10 * 1024 * 1024,
    logger: false,
    onAuth(_auth, _session, callback) {
      // Any credentials are accepted: it is a local catcher, not a relay.
      callback(null, { user: 'catcher' });
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks);
        const envelopeTo = session.envelope.rcptTo.map((r) => r.address);
        transactions += 1;
        parse(raw, inbox.length + 1, envelopeTo, new Date()).then((message) => {
          const same = message.messageId ? inbox.find((m) => m.messageId === message.messageId) : undefined;
          if (same) {
            same.deliveries += 1;
            persist(same, null);
          } else {
            inbox.push(message);
            persist(message, raw);
          }
          for (const wake of waiters.splice(0)) wake();
          callback(null, `queued as ${message.id}`);
        }, (error: Error) => callback(error));
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    smtp.once('error', reject);
    smtp.listen(options.smtpPort ?? 0, host, () => resolve());
  });
  const smtpPort = (smtp.server.address() as AddressInfo).port;

  let http: Server | null = null;
  let inboxUrl: string | null = null;
  if (options.httpPort !== undefined && options.httpPort !== null) {
    http = createHttpServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://catcher');
      const page = (title: string, body: string) => {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;margin:24px;color:#222}table{border-collapse:collapse;width:100%}td,th{text-align:left;padding:6px 8px;border-bottom:1px solid #ddd}
dt{font-weight:600}dd{margin:0 0 8px 0}iframe{width:100%;height:520px;border:1px solid #ccc}pre{white-space:pre-wrap}</style></head><body>${body}</body></html>`);
      };
      if (url.pathname === '/api/messages') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(inbox));
        return;
      }
      const match = /^\/messages\/(\d+)$/.exec(url.pathname);
      if (match) {
        const message = inbox.find((m) => m.id === Number(match[1]));
        if (!message) {
          res.writeHead(404).end('Not found');
          return;
        }
        const unsubscribe = /<(https?:[^>]+)>/.exec(message.headers['list-unsubscribe'] ?? '')?.[1];
        // The HTML part is shown sandboxed (no scripts); its links open in the whole window.
        const html = message.html ? message.html.replace(/<head>/i, '<head><base target="_top">') : null;
        page(message.subject, `<p><a href="/">← Inbox</a></p><h1>${escapeHtml(message.subject)}</h1>
<dl><dt>From</dt><dd>${escapeHtml(message.from)}</dd><dt>To</dt><dd>${escapeHtml(message.to.join(', '))}</dd>
<dt>Message-ID</dt><dd>${escapeHtml(message.messageId ?? '')}</dd><dt>Deliveries</dt><dd>${message.deliveries}</dd>
${unsubscribe ? `<dt>List-Unsubscribe</dt><dd><a id="list-unsubscribe" href="${escapeHtml(unsubscribe)}">${escapeHtml(unsubscribe)}</a> (${escapeHtml(message.headers['list-unsubscribe-post'] ?? 'no one-click POST')})</dd>` : ''}</dl>
${html ? `<iframe title="Message" sandbox="allow-top-navigation-by-user-activation allow-popups" srcdoc="${escapeHtml(html)}"></iframe>` : ''}
<h2>Text</h2><pre>${escapeHtml(message.text)}</pre>`);
        return;
      }
      if (url.pathname === '/') {
        const rows = inbox.slice().reverse().map((m) => `<tr><td><a href="/messages/${m.id}">${escapeHtml(m.subject || '(no subject)')}</a></td><td>${escapeHtml(m.to.join(', '))}</td><td>${escapeHtml(m.from)}</td><td>${m.receivedAt.toISOString().replace('T', ' ').slice(0, 19)}</td></tr>`).join('');
        page('Mail catcher', `<h1>Mail catcher</h1><p>${inbox.length} message(s) caught on smtp://${host}:${smtpPort}. Nothing here leaves this machine.</p>
<table><thead><tr><th>Subject</th><th>To</th><th>From</th><th>Received (UTC)</th></tr></thead><tbody>${rows}</tbody></table>`);
        return;
      }
      res.writeHead(404).end('Not found');
    });
    await new Promise<void>((resolve, reject) => {
      http!.once('error', reject);
      http!.listen(options.httpPort!, host, () => resolve());
    });
    inboxUrl = `http://${host}:${(http.address() as AddressInfo).port}`;
  }

  return {
    smtpUrl: `smtp://${host}:${smtpPort}`,
    smtpPort,
    inboxUrl,
    messages: () => inbox.slice(),
    transactions: () => transactions,
    async waitFor(count, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (inbox.length < count) {
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`the catcher has ${inbox.length} message(s), expected ${count}`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, Math.min(left, 250));
          waiters.push(() => { clearTimeout(timer); resolve(); });
        });
      }
      return inbox.slice();
    },
    async close() {
      await new Promise<void>((resolve) => smtp.close(() => resolve()));
      if (http) {
        http.closeAllConnections();
        await new Promise<void>((resolve) => http!.close(() => resolve()));
      }
    },
  };
}

if (import.meta.main) {
  const catcher = await startSmtpCatcher({
    smtpPort: Number(process.env['SMTP_PORT'] ?? 1025),
    httpPort: Number(process.env['MAIL_UI_PORT'] ?? 8025),
    dir: process.env['MAIL_DIR'] ?? '.data/mail',
  });
  console.log(`Mail catcher: ${catcher.smtpUrl}, inbox ${catcher.inboxUrl}`);
  const stop = () => void catcher.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
