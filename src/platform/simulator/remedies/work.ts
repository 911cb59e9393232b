import type { workOperations } from '../../operations/work.js';
import type { Handlers } from './handler.js';
import { intentRemedies } from './work-intents.js';
import { spawnRemedies } from './work-spawns.js';
import { taskRemedies } from './work-tasks.js';
import { workstreamRemedies } from './work-workstreams.js';

/** The simulator's side of src/platform/operations/work.ts, one file per thing they act on. */
export const workRemedies: Handlers<keyof typeof workOperations> = (ctx) => ({
  ...intentRemedies(ctx),
  ...taskRemedies(ctx),
  ...spawnRemedies(ctx),
  ...workstreamRemedies(ctx),
});
