import type { CommandDeps } from '../../src/commands/index.js';

const notHere = (what: string) => () => Promise.reject(new Error(`${what} is not part of this test`));

/** Command dependencies for tests of other commands: any use reaches a clear failure. */
export const unusedCommandDeps: CommandDeps = {
  runDoctor: notHere('Doctor'),
  requestBudget: notHere('/budget'),
  latestAudit: notHere('/audit'),
};
