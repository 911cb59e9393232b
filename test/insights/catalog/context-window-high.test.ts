import { describe, expect, it } from 'vitest';
import entry from '../../../src/insights/catalog/context-window-high.js';
import { detect, stored } from '../../support/signals.js';

const usage = (ratio: number, compactionThreshold?: number) =>
  stored('context.usage', 2, { agent: 'research-agent', usedTokens: Math.round(128_000 * ratio), windowTokens: 128_000, ...(compactionThreshold ? { compactionThreshold } : {}) });

describe('context window high (self-healing research)', () => {
  it("fires at the agent's own compaction threshold", () => {
    const [d] = detect(entry, [usage(0.94, 0.75)]);
    expect(d!.summary).toBe('Context window at 94% for research-agent (compaction threshold 75%).');
    expect(detect(entry, [usage(0.6, 0.5)])).toHaveLength(1);
  });

  it('stays quiet just under the default threshold (0.75)', () => {
    expect(detect(entry, [usage(0.74)])).toEqual([]);
  });
});
