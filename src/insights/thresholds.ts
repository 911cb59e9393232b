import type { Config } from '../config.js';
import { err, ok, type Result } from '../result.js';
import { catalog, findEntry } from './catalog/index.js';

/** Thresholds in config name real kinds and fit their schemas, or start-up says which do not. */
export function checkThresholds(thresholds: Config['insights']['thresholds']): Result<void, string[]> {
  const problems: string[] = [];
  for (const [kind, values] of Object.entries(thresholds)) {
    const entry = findEntry(kind);
    if (!entry) {
      problems.push(`insights.thresholds.${kind}: no such failure kind; known kinds: ${catalog.map((e) => e.kind).join(', ')}`);
      continue;
    }
    const parsed = entry.thresholds.safeParse(values);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) problems.push(`insights.thresholds.${kind}.${issue.path.join('.')}: ${issue.message}`);
    }
  }
  return problems.length ? err(problems) : ok(undefined);
}
