import type { Actor } from '../../src/actor.js';
import { ok } from '../../src/result.js';
import { createSimulator, type Simulator } from '../../src/platform/simulator/simulator.js';
import { openTestDatabase, type DatabaseKind, type TestDatabase } from '../support/databases.js';
import { stored } from '../platform/support.js';

export const ROUTINE = 'daily-code-review';

const person = (userId: string, name: string): Actor => ({ platform: 'slack', teamId: 'T0TEAMX', userId, name });
export const mike = person('U0MIKE', 'Mike');
export const elena = person('U0ELENA', 'Elena');
export const james = person('U0JAMES', 'James');
export const priya = person('U0PRIYA', 'Priya');
export const sofia = person('U0SOFIA', 'Sofia');
export const alex = person('U0ALEX', 'Alex');

export const allowEveryone = async () => ok(undefined);

/** The seed's state: $12.47 spent of $10.00 and paused for budget, told to the simulator as the intake would. */
export async function exhaustBudget(sim: Simulator, routine = ROUTINE): Promise<void> {
  await sim.applyEvents([
    stored('routine.spend', { routine, spentUsd: 12.47, limitUsd: 10, period: 'month' }),
    stored('routine.paused', { routine, reason: 'budget_exhausted' }),
  ]);
}

/** The real simulator behind a counter: how many times a decision reached the platform. */
export function countingPlatform(sim: Simulator) {
  const grants: Array<{ routineId: string; amountUsd: number }> = [];
  return {
    grants,
    platform: {
      grantBudgetOverride: (routineId: string, amountUsd: number) => {
        grants.push({ routineId, amountUsd });
        return sim.grantBudgetOverride(routineId, amountUsd);
      },
      restartWorker: sim.restartWorker,
      rollbackWorkstream: sim.rollbackWorkstream,
    },
  };
}

export async function routineOf(sim: Simulator, id = ROUTINE) {
  const listed = await sim.listRoutines();
  if (!listed.ok) throw new Error(listed.error.message);
  const routine = listed.value.find((r) => r.id === id);
  if (!routine) throw new Error(`no routine ${id}`);
  return routine;
}

export const APPROVER_LIST = [elena, james, priya, sofia, alex];

/** A fresh database with the simulated seed workspace on it, and how to put both away. */
export async function openWorkspace(kind: DatabaseKind): Promise<{ database: TestDatabase; sim: Simulator; close(): Promise<void> }> {
  const database = await openTestDatabase(kind);
  const sim = await createSimulator({ database, emit: async () => {}, restartHeartbeatDelayMs: 40 });
  return {
    database,
    sim,
    close: async () => {
      sim.close();
      await database.drop();
    },
  };
}
