/**
 * Failed console logins counted per key in a fixed window (docs/architecture.md, "Console
 * login"): past `max` failures a key waits until its window ends. The table is bounded, so a
 * flood of made-up names cannot grow it without end; when it is full, expired entries go first,
 * then the oldest. Counted per replica: N replicas allow N times the rate, still bounded.
 */
export type FailureLimit = {
  /** Whole seconds until `key` may try again; 0 when it may now. */
  waitSeconds(key: string): number;
  failed(key: string): void;
  /** A success clears the key's failures. */
  forget(key: string): void;
};

export type FailureLimitOptions = { max: number; windowMs: number; maxKeys?: number; now?: () => number };

type Entry = { count: number; since: number };

export function createFailureLimit(options: FailureLimitOptions): FailureLimit {
  const { max, windowMs } = options;
  const maxKeys = options.maxKeys ?? 10_000;
  const now = options.now ?? Date.now;
  const entries = new Map<string, Entry>();
  const live = (key: string, at: number): Entry | undefined => {
    const entry = entries.get(key);
    if (entry && at - entry.since >= windowMs) entries.delete(key);
    return entry && at - entry.since < windowMs ? entry : undefined;
  };

  const makeRoom = (at: number): void => {
    if (entries.size < maxKeys) return;
    for (const [key, entry] of entries) if (at - entry.since >= windowMs) entries.delete(key);
    // Still full of live entries: the oldest goes (Map keeps insertion order).
    while (entries.size >= maxKeys) entries.delete(entries.keys().next().value!);
  };

  return {
    waitSeconds(key) {
      const at = now();
      const entry = live(key, at);
      return entry && entry.count >= max ? Math.max(1, Math.ceil((entry.since + windowMs - at) / 1000)) : 0;
    },
    failed(key) {
      const at = now();
      const entry = live(key, at);
      if (entry) entry.count++;
      else {
        makeRoom(at);
        entries.set(key, { count: 1, since: at });
      }
    },
    forget: (key) => void entries.delete(key),
  };
}
