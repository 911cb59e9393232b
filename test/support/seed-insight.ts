import { findEntry } from '../../src/insights/catalog/index.js';
import { hashDetection } from '../../src/insights/evaluate.js';
import type { Insight } from '../../src/insights/insight.js';
import { detect, stored } from './signals.js';

/** The seed's runtime-failures catalog entry, and its insight as the store would hold it. */
export const runtimeFailuresEntry = findEntry('runtime_execution_failures')!;

const [detection] = detect(runtimeFailuresEntry, [
  stored('runtime.execution_failed', 9, { runtime: 'bash-runtime-mike', reason: 'connection_refused', employee: 'Mike' }),
  stored('runtime.execution_failed', 5, { runtime: 'bash-runtime-priya', reason: 'timeout', employee: 'Priya' }),
  stored('runtime.execution_failed', 1, { runtime: 'bash-runtime-mike', reason: 'connection_refused', employee: 'Mike' }),
]);

/** Mike's and Priya's runtime failures, detected from events: what card tests render. */
export const runtimeFailuresInsight = (over: Partial<Insight> = {}): Insight => ({
  id: 42,
  fingerprint: 'runtime_execution_failures:workspace',
  kind: runtimeFailuresEntry.kind,
  scope: 'workspace',
  severity: 'critical',
  category: 'operational',
  status: 'open',
  episode: 1,
  title: runtimeFailuresEntry.title(detection!),
  detection: detection as Insight['detection'],
  detectionHash: hashDetection(detection!),
  count: 2,
  version: 2,
  publishedVersion: 1,
  firstSeenAt: new Date('2026-05-03T14:32:00Z'),
  lastSeenAt: new Date('2026-05-03T14:41:00Z'),
  resolvedAt: null,
  acknowledgedBy: null,
  dismissedBy: null,
  dismissedAt: null,
  suppressedUntil: null,
  ...over,
});
