// Events cross processes through PostgreSQL LISTEN/NOTIFY, so any replica of a
// subgraph can serve any subscriber with no extra server. One listening
// connection per process; topics are fanned out in memory. Topics always
// start with the tenant id, built by resolvers from the verified identity.
// Subscribers in this process get events at once; other processes through
// NOTIFY (each process ignores its own notifications, by a prefix check before
// any parsing). Payloads near the 8000-byte NOTIFY limit (score breakdowns,
// one per live keystroke) travel deflated at level 1: several times cheaper
// than the default level and still well under the limit.
//
// Interest: a started instance (one that listens) tells the others, on the
// same channel, which topics it has subscribers for (`listen` when the first
// one comes, `unlisten` when the last goes, everything again when another
// instance says `hello` at its start, `bye` when it closes). An event with no
// subscriber in any other process is then not sent through PostgreSQL at all:
// a live keystroke, scored in the process its subscriber is connected to,
// costs no NOTIFY, while a subscriber on another replica still gets it.
// What this cannot know, it does not guess: an instance that never started
// (a publisher only, e.g. the workflow worker) always notifies, and so does a
// started one during its first seconds, until the others have answered its
// hello. An instance that dies without its bye leaves interest behind, which
// only costs notifications nobody reads. As with any subscription, events
// published while one is being set up may be missed (here: until its `listen`
// has reached the publisher, a few milliseconds); clients resend what stays
// unanswered.
import { randomUUID } from 'node:crypto';
import { constants, deflateRawSync, inflateRawSync } from 'node:zlib';
import pg from 'pg';
import { logger } from './logger.ts';

const MAX_PAYLOAD_BYTES = 7900; // PostgreSQL's NOTIFY limit is 8000 bytes
const DEFLATE_ABOVE_BYTES = 2000;
/** after start, how long every event is notified while the other instances answer the hello */
const DEFAULT_HELLO_GRACE_MS = 3000;

interface Envelope {
  origin: string;
  topic?: string;
  data?: unknown;
  /** deflated JSON of data, base64 */
  z?: string;
  /** the sender has subscribers for these topics */
  listen?: string[];
  /** the sender has no subscriber left for these topics */
  unlisten?: string[];
  /** the sender has just started: say what you listen to */
  hello?: true;
  /** the sender is closing: forget its topics */
  bye?: true;
}

type Listener = (payload: unknown) => void;

export interface PgPubSubOptions {
  /** after start, how long every event is notified regardless of interest (default 3 s) */
  helloGraceMs?: number;
}

export class PgPubSub {
  readonly #channel: string;
  readonly #url: string;
  readonly #listeners = new Map<string, Set<Listener>>();
  readonly #origin = randomUUID();
  /** how this process's own envelopes start (JSON.stringify keeps key order) */
  readonly #ownPrefix = `{"origin":${JSON.stringify(this.#origin)},`;
  readonly #helloGraceMs: number;
  /** topic → other instances with subscribers for it */
  readonly #remote = new Map<string, Set<string>>();
  /** other instance → its topics */
  readonly #remoteTopics = new Map<string, Set<string>>();
  /** control messages go out one after the other: a listen must not overtake the unlisten before it */
  #control: Promise<void> = Promise.resolve();
  /** until then, every event is notified (Date.now() ms); null: not started, always notify */
  #graceUntil: number | null = null;
  #listen: pg.Client | null = null;
  #publish: pg.Pool;

  constructor(url: string, channel: string, options: PgPubSubOptions = {}) {
    this.#url = url;
    this.#channel = channel;
    this.#helloGraceMs = options.helloGraceMs ?? DEFAULT_HELLO_GRACE_MS;
    this.#publish = new pg.Pool({ connectionString: url, max: 2 });
  }

  async start(): Promise<void> {
    const client = new pg.Client({ connectionString: this.#url });
    await client.connect();
    client.on('notification', (msg) => {
      if (msg.channel !== this.#channel || !msg.payload || msg.payload.startsWith(this.#ownPrefix)) return;
      try {
        this.#receive(JSON.parse(msg.payload) as Envelope);
      } catch (error) {
        logger.error({ err: error }, 'bad notification payload');
      }
    });
    client.on('error', (error) => logger.error({ err: error }, 'pubsub connection error'));
    await client.query(`listen ${pg.escapeIdentifier(this.#channel)}`);
    this.#listen = client;
    this.#graceUntil = Date.now() + this.#helloGraceMs;
    this.#announce({ hello: true });
    if (this.#listeners.size) this.#announceTopics('listen', [...this.#listeners.keys()]);
  }

  #receive(envelope: Envelope): void {
    const { origin } = envelope;
    if (envelope.topic !== undefined) {
      const data = envelope.z !== undefined ? JSON.parse(inflateRawSync(Buffer.from(envelope.z, 'base64')).toString('utf8')) : envelope.data;
      this.#deliver(envelope.topic, data);
      return;
    }
    for (const topic of envelope.listen ?? []) {
      this.#remote.set(topic, (this.#remote.get(topic) ?? new Set()).add(origin));
      this.#remoteTopics.set(origin, (this.#remoteTopics.get(origin) ?? new Set()).add(topic));
    }
    for (const topic of envelope.unlisten ?? []) this.#forget(origin, topic);
    if (envelope.bye) for (const topic of this.#remoteTopics.get(origin) ?? []) this.#forget(origin, topic);
    if (envelope.hello && this.#listeners.size) this.#announceTopics('listen', [...this.#listeners.keys()]);
  }

  #forget(origin: string, topic: string): void {
    const origins = this.#remote.get(topic);
    origins?.delete(origin);
    if (origins?.size === 0) this.#remote.delete(topic);
    const topics = this.#remoteTopics.get(origin);
    topics?.delete(topic);
    if (topics?.size === 0) this.#remoteTopics.delete(origin);
  }

  /** Sends a control message after those before it; failures are logged (interest is then at worst stale). */
  #announce(control: Omit<Envelope, 'origin'>): void {
    if (!this.#listen) return;
    const payload = `${this.#ownPrefix}${JSON.stringify(control).slice(1)}`;
    this.#control = this.#control
      .then(() => this.#publish.query('select pg_notify($1, $2)', [this.#channel, payload]))
      .then(() => {}, (error: unknown) => logger.error({ err: error }, 'pubsub interest announcement failed'));
  }

  /** Topic lists in as many control messages as the NOTIFY limit needs. */
  #announceTopics(kind: 'listen' | 'unlisten', topics: string[]): void {
    let batch: string[] = [];
    let bytes = 0;
    for (const topic of topics) {
      const size = Buffer.byteLength(JSON.stringify(topic)) + 1;
      if (batch.length && bytes + size > MAX_PAYLOAD_BYTES - 200) {
        this.#announce({ [kind]: batch });
        batch = [];
        bytes = 0;
      }
      batch.push(topic);
      bytes += size;
    }
    if (batch.length) this.#announce({ [kind]: batch });
  }

  #deliver(topic: string, data: unknown): void {
    for (const listener of this.#listeners.get(topic) ?? []) listener(data);
  }

  /** Whether another process may have a subscriber for the topic. */
  #othersListen(topic: string): boolean {
    return this.#graceUntil === null || Date.now() < this.#graceUntil || this.#remote.has(topic);
  }

  async publish(topic: string, data: unknown): Promise<void> {
    const json = JSON.stringify(data);
    this.#deliver(topic, JSON.parse(json));
    if (!this.#othersListen(topic)) return;
    // The envelope around the JSON already made, not a second serialisation: {origin, topic, data | z}.
    const head = `${this.#ownPrefix}"topic":${JSON.stringify(topic)},`;
    let payload = `${head}"data":${json}}`;
    if (Buffer.byteLength(payload) > DEFLATE_ABOVE_BYTES) {
      payload = `${head}"z":"${deflateRawSync(json, { level: constants.Z_BEST_SPEED }).toString('base64')}"}`;
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
    let set = this.#listeners.get(topic);
    if (!set) {
      set = new Set();
      this.#listeners.set(topic, set);
      this.#announceTopics('listen', [topic]);
    }
    set.add(listener);
    const listeners = set;
    const finish = () => {
      if (done) return;
      done = true;
      listeners.delete(listener);
      if (listeners.size === 0 && this.#listeners.get(topic) === listeners) {
        this.#listeners.delete(topic);
        this.#announceTopics('unlisten', [topic]);
      }
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
    this.#announce({ bye: true });
    await this.#control;
    for (const set of this.#listeners.values()) set.clear();
    this.#listeners.clear();
    await this.#listen?.end();
    this.#listen = null;
    await this.#publish.end();
  }
}
