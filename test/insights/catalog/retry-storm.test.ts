import { describe, expect, it } from 'vitest';
import entry from '../../../src/insights/catalog/retry-storm.js';
import { detect, stored } from '../../support/signals.js';

const calls = (callsPerMinute: number, baselinePerMinute?: number, minutes = 2) =>
  stored('endpoint.calls', minutes, { endpoint: 'mcp:database-query/query', callsPerMinute, ...(baselinePerMinute !== undefined ? { baselinePerMinute } : {}) });

describe('retry storm (self-healing research)', () => {
  it('fires at 5× the baseline', () => {
    const [d] = detect(entry, [calls(48, 6)]);
    expect(d!.summary).toBe('Retry storm on mcp:database-query/query: 48 calls/min (8× baseline).');
  });

  it('falls back to the absolute threshold when the baseline is zero or unknown, without dividing by it', () => {
    expect(detect(entry, [calls(1200, 0)]).map((d) => d.summary)).toEqual(['Retry storm on mcp:database-query/query: 1200 calls/min.']);
    expect(detect(entry, [calls(50, 0)])).toEqual([]);
    expect(detect(entry, [calls(50)])).toEqual([]);
  });

  it('stays quiet just under 5×, and on a sample older than the window', () => {
    expect(detect(entry, [calls(29, 6)])).toEqual([]);
    expect(detect(entry, [calls(48, 6, 20)])).toEqual([]);
  });
});
