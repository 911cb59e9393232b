import { createHash } from 'node:crypto';
import type { CatalogEntry, Detection } from './catalog/entry.js';
import type { PlatformSnapshot } from './platform-snapshot.js';
import type { SignalWindow } from './signal-window.js';
import type { Gap } from '../cluster/presence.js';
import type { BoardAlert } from '../alerts/model.js';

export type EvaluatedDetection = { entry: CatalogEntry; detection: Detection; fingerprint: string; hash: string };

export type Evaluation = {
  detections: EvaluatedDetection[];
  /** Kinds whose rule ran cleanly: only those may auto-resolve their insights this round. */
  evaluatedKinds: Set<string>;
  failures: Array<{ kind: string; error: string }>;
};

export type RuleThresholds = Record<string, Record<string, unknown>>;

/**
 * Runs every rule in isolation: one that throws (or has a bad threshold in config) is reported
 * and skipped, the others still run, and its open insights are left alone rather than resolved.
 */
export function evaluate(
  catalog: readonly CatalogEntry[],
  input: {
    window: SignalWindow;
    platform: PlatformSnapshot;
    now: number;
    thresholds?: RuleThresholds;
    gaps?: readonly Gap[];
    alerts?: readonly BoardAlert[];
  },
): Evaluation {
  const detections: EvaluatedDetection[] = [];
  const evaluatedKinds = new Set<string>();
  const failures: Evaluation['failures'] = [];
  for (const entry of catalog) {
    try {
      const thresholds = entry.thresholds.parse(input.thresholds?.[entry.kind] ?? {});
      const found = entry.detect({ window: input.window, platform: input.platform, now: input.now, thresholds, gaps: input.gaps ?? [], alerts: input.alerts ?? [] });
      const seen = new Set<string>();
      for (const detection of found) {
        const fingerprint = `${entry.kind}:${detection.scope}`;
        if (seen.has(fingerprint)) continue; // a rule naming one scope twice is one insight
        seen.add(fingerprint);
        detections.push({ entry, detection, fingerprint, hash: hashDetection(detection) });
      }
      evaluatedKinds.add(entry.kind);
    } catch (error) {
      failures.push({ kind: entry.kind, error: (error as Error).message });
    }
  }
  return { detections, evaluatedKinds, failures };
}

/** Stable across key order, so the same evidence always hashes the same. */
export function hashDetection(detection: Detection): string {
  return createHash('sha256').update(stableJson(detection)).digest('base64url').slice(0, 22);
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
