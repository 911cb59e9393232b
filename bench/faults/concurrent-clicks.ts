import { clickStorm } from '../../test/faults/support/click-storm.js';
import { runFaultBench } from './with-postgres.js';

/**
 * `npx tsx bench/faults/concurrent-clicks.ts [round…]`: the storm of test/faults/concurrent-clicks.test.ts
 * with other seeds, Slack alone, and twice the size. Name rounds to run only those.
 */
const rounds = [
  ...[1, 2, 3].map((seed) => ({ label: `1,000 mixed, seed ${seed}`, run: (r: Parameters<typeof clickStorm>[0]) => clickStorm(r, { requests: 1_000, consoleShare: 0.1, redeliveryShare: 0.2, seed }) })),
  { label: '1,000 Slack only', run: (r: Parameters<typeof clickStorm>[0]) => clickStorm(r, { requests: 1_000, consoleShare: 0, redeliveryShare: 0.2, seed: 7 }) },
  { label: '2,000 mixed', run: (r: Parameters<typeof clickStorm>[0]) => clickStorm(r, { requests: 2_000, consoleShare: 0.05, redeliveryShare: 0.25, seed: 11 }) },
];
const wanted = process.argv.slice(2);
await runFaultBench('concurrent-clicks', wanted.length ? rounds.filter((r) => wanted.some((w) => r.label.includes(w))) : rounds);
