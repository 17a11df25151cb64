// Events cross processes through PostgreSQL LISTEN/NOTIFY, so any replica of a
// subgraph can serve any subscriber with no extra server. One listening
// connection per process; topics are fanned out in memory. Topics always
// start with the tenant id, built by resolvers from the verified identity.
// Subscribers in this process get events at once; other processes through
// NOTIFY (each process ignores its own notifications). Payloads near the
// 8000-byte NOTIFY limit (score breakdowns) travel deflated.
import { randomUUID } from 'node:crypto';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import pg from 'pg';
import { logger } from './logger.ts';

const MAX_PAYLOAD_BYTES = 7900; // PostgreSQL's NOTIFY limit is 8000 bytes
const DEFLATE_ABOVE_BYTES = 2000;

interface Envelope {
  origin: string;
  topic: string;
  data?: unknown;
  /** deflated JSON of data, base64 */
  z?: string;
}

type Listener = (payload: unknown) => void;

export class PgPubSub {
  readonly #channel: string;
  readonly #url: string;
  readonly #listeners = new Map<string, Set<Listener>>();
  readonly #origin = randomUUID();
  #listen: pg.Client | null = null;
  #publish: pg.Pool;

  constructor(url: string, channel: string) {
    this.#url = url;
    this.#channel = channel;
    this.#publish = new pg.Pool({ connectionString: url, max: 2 });
  }

  async start(): Promise<void> {
    const client = new pg.Client({ connectionString: this.#url });
    await client.connect();
    client.on('notification', (msg) => {
      if (msg.channel !== this.#channel || !msg.payload) return;
      try {
        const envelope = JSON.parse(msg.payload) as Envelope;
        if (envelope.origin === this.#origin) return;
        const data = envelope.z !== undefined ? JSON.parse(inflateRawSync(Buffer.from(envelope.z, 'base64')).toString('utf8')) : envelope.data;
        this.#deliver(envelope.topic, data);
      } catch (error) {
        logger.error({ err: error }, 'bad notification payload');
      }
    });
    client.on('error', (error) => logger.error({ err: error }, 'pubsub connection error'));
    await client.query(`listen ${pg.escapeIdentifier(this.#channel)}`);
    this.#listen = client;
  }

  #deliver(topic: string, data: unknown): void {
    for (const listener of this.#listeners.get(topic) ?? []) listener(data);
  }

  async publish(topic: string, data: unknown): Promise<void> {
    const json = JSON.stringify(data);
    this.#deliver(topic, JSON.parse(json));
    let payload = JSON.stringify({ origin: this.#origin, topic, data } satisfies Envelope);
    if (Buffer.byteLength(payload) > DEFLATE_ABOVE_BYTES) {
      payload = JSON.stringify({ origin: this.#origin, topic, z: deflateRawSync(json).toString('base64') } satisfies Envelope);
    }
    if (Buffer.byteLength(payload) > MAX_PAYLOAD_BYTES) throw new Error(`event on ${topic.split(':')[0]} exceeds ${MAX_PAYLOAD_BYTES} bytes`);
    await this.#publish.query('select pg_notify($1, $2)', [this.#channel, payload]);
  }

  /** An async iterator of the topic's events, ending when the consumer returns. */
  subscribe<T>(topic: string): AsyncIterableIterator<T> {
    const queue: T[] = [];
    let wake: (() => void) | null = null;
    let done = false;
    const listener: Listener = (data) => {
      queue.push(data as T);
      wake?.();
    };
    const set = this.#listeners.get(topic) ?? new Set();
    set.add(listener);
    this.#listeners.set(topic, set);
    const finish = () => {
      done = true;
      set.delete(listener);
      if (set.size === 0) this.#listeners.delete(topic);
      wake?.();
    };
    const iterator: AsyncIterableIterator<T> = {
      async next() {
        while (!done && queue.length === 0) await new Promise<void>((r) => { wake = r; });
        wake = null;
        if (queue.length > 0) return { value: queue.shift()!, done: false };
        return { value: undefined, done: true };
      },
      async return() {
        finish();
        return { value: undefined, done: true };
      },
      [Symbol.asyncIterator]() {
        return iterator;
      },
    };
    return iterator;
  }

  async close(): Promise<void> {
    for (const set of this.#listeners.values()) set.clear();
    this.#listeners.clear();
    await this.#listen?.end();
    await this.#publish.end();
  }
}
