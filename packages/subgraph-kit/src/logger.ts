import { pino } from 'pino';

// One structured logger per process. Never log request bodies: they can hold
// a tenant's content; log ids and codes only.
export const logger = pino({
  level: process.env.LOG_LEVEL ?? (process.env.NODE_ENV === 'test' ? 'warn' : 'info'),
  base: { service: process.env.SERVICE_NAME },
});
