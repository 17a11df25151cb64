import type { SubgraphDefinition } from '@ensemble/subgraph-kit/server';
import { modules } from './modules.ts';
import { mediaRoutes } from './media/media.routes.ts';
import { inboundSmsHandler, oneClickUnsubscribeHandler } from './contacts/opt-out.service.ts';
import { endpointsFromEnv } from './connectors/endpoints.ts';

export const definition: SubgraphDefinition = {
  name: 'content',
  modules,
  internalRoutes: mediaRoutes,
  publicRoutes(router, { orm }) {
    // RFC 8058 one-click unsubscribe (mail clients POST to the List-Unsubscribe URL).
    router.post('/u/:token', oneClickUnsubscribeHandler(orm));
    // Twilio's inbound SMS webhook (STOP/START); its signature covers the public URL.
    const { publicWebUrl } = endpointsFromEnv();
    router.post('/hooks/twilio/sms', inboundSmsHandler(orm, (path) => `${publicWebUrl}${path}`));
  },
};
