// Latest-wins coalescing of live-scoring keystrokes. Each keystroke carries the
// whole draft, so when several for the same draft are waiting, scoring only the
// newest is enough: its score is the score of the text the editor now sees, and
// clients drop scores older than what they sent (revisions only grow). A
// keystroke is scored on the next turn of the event loop (setImmediate), after
// every message already read from the sockets: when the process keeps up, each
// keystroke is scored on its own a moment later; when it falls behind, the
// keystrokes that piled up for a draft cost one scoring and one event, so the
// backlog cannot grow with the typing rate. Every caller waits for the run that
// covers its revision and shares its outcome (an error reaches all of them).
// Keys never mix: a key is one draft of one tenant (the score topic).

export interface Revisioned {
  revision: number;
}

export interface LatestWins<T extends Revisioned> {
  /** Resolves once `job`, or a later revision of the same key, has run. */
  submit(key: string, job: T): Promise<void>;
}

interface Pending<T> {
  job: T;
  done: Promise<void>;
}

export function latestWins<T extends Revisioned>(
  run: (job: T) => void | Promise<void>,
  schedule: (fn: () => void) => void = setImmediate,
): LatestWins<T> {
  const pending = new Map<string, Pending<T>>();
  return {
    submit(key, job) {
      const waiting = pending.get(key);
      if (waiting) {
        // An older revision arriving late (another transport) never replaces a newer one.
        if (job.revision >= waiting.job.revision) waiting.job = job;
        return waiting.done;
      }
      const entry = { job } as Pending<T>;
      entry.done = new Promise<void>((resolve, reject) => {
        schedule(() => {
          // From here on, keystrokes for this key start a new run.
          pending.delete(key);
          Promise.resolve().then(() => run(entry.job)).then(resolve, reject);
        });
      });
      pending.set(key, entry);
      return entry.done;
    },
  };
}
