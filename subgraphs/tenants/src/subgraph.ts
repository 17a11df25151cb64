import type { SubgraphDefinition } from '@ensemble/subgraph-kit/server';
import { verifyApiKey } from './api-key/api-key.service.ts';
import { modules } from './modules.ts';

export const definition: SubgraphDefinition = {
  name: 'tenants',
  modules,
  internalRoutes(router, { orm }) {
    // The gateway resolves API keys here (it holds no database access).
    router.post('/api-keys/verify', async (req, res, next) => {
      if (res.locals['identity']?.kind !== 'system') {
        res.status(403).json({ error: 'gateway only' });
        return;
      }
      try {
        const key = typeof req.body?.key === 'string' ? req.body.key : '';
        const identity = await verifyApiKey(orm, key);
        if (identity) res.json({ identity });
        else res.status(401).json({ error: 'invalid api key' });
      } catch (error) {
        next(error);
      }
    });
  },
};
