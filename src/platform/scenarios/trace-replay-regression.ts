import { DAY, min, timeline, type Scenario } from './timeline.js';

/** Playbook scenario 6: a code change alters intent resolution; replayed traces disagree. */
const NAME = 'trace-replay-regression';
const SUITE = 'production-traces';

export const traceReplayRegression: Scenario = {
  name: NAME,
  title: 'Regression detected in trace replay (trace #12345)',
  description: 'The trace-replay suite drops from 100% to 96% after a change to intent resolution; production trace #12345 now differs.',
  build(start) {
    const t = timeline(NAME, start, 'ci');
    t.at(0).emit(1 * DAY, 'trace.replay', { suite: SUITE, passRate: 1, baselinePassRate: 1, commit: '9f8e7d6' });
    t.at(1000).emit(min(5), 'trace.replay', {
      suite: SUITE,
      passRate: 0.96,
      baselinePassRate: 1,
      commit: 'a1b2c3d',
      failingTraces: ['trace-12345'],
      detail: 'Trace replay mismatch',
    });
    return t.events();
  },
};
