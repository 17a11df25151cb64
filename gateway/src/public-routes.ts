// Paths people reach without an account, forwarded to the subgraph that owns
// them with a gateway-signed anonymous identity (subgraphs trust nothing else):
// RFC 8058 one-click unsubscribe and Twilio's inbound SMS webhook (content).
import type express from 'express';
import { ANONYMOUS, GATEWAY_IDENTITY_HEADER } from '@ensemble/tenancy/identity';
import type { InternalTokens } from './internal-token.ts';
import { logger } from './logger.ts';

const MAX_BODY_BYTES = 64 * 1024;
const FORWARDED_HEADERS = ['content-type', 'x-twilio-signature'];

export const PUBLIC_PATHS = [/^\/u\/[A-Za-z0-9_-]{16,200}$/, /^\/hooks\/twilio\/sms$/];

export function mountPublicRoutes(app: express.Express, options: { tokens: InternalTokens; contentUrl: string }): void {
  const origin = new URL(options.contentUrl).origin;
  app.post(PUBLIC_PATHS, async (req, res) => {
    try {
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of req) {
        size += (chunk as Buffer).length;
        if (size > MAX_BODY_BYTES) {
          res.status(413).end();
          return;
        }
        chunks.push(chunk as Buffer);
      }
      const headers: Record<string, string> = { [GATEWAY_IDENTITY_HEADER]: await options.tokens.tokenFor(ANONYMOUS) };
      for (const name of FORWARDED_HEADERS) {
        const value = req.header(name);
        if (value) headers[name] = value;
      }
      const upstream = await fetch(`${origin}/public${req.path}`, { method: 'POST', headers, body: Buffer.concat(chunks), signal: AbortSignal.timeout(10_000) });
      res.status(upstream.status);
      const type = upstream.headers.get('content-type');
      if (type) res.type(type);
      res.send(Buffer.from(await upstream.arrayBuffer()));
    } catch (error) {
      logger.error({ err: error, path: req.path }, 'public route failed');
      if (!res.headersSent) res.status(502).json({ error: 'unavailable' });
    }
  });
}
