import { pino } from 'pino';

// Never log request bodies or tokens: log codes, ids and subgraph names.
export const logger = pino({
  level: process.env.LOG_LEVEL ?? (process.env.NODE_ENV === 'test' ? 'warn' : 'info'),
  base: { service: 'gateway' },
});
