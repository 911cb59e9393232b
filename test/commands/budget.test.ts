import { describe, expect, it } from 'vitest';
import { budgetCommand, type BudgetRequest } from '../../src/commands/budget.js';
import { err, ok } from '../../src/result.js';

const mike = { platform: 'slack' as const, userId: 'U0MIKE', name: 'Mike' };
const ctx = { actor: mike, channel: 'ops', platform: 'slack' as const };
const USAGE = 'Usage: /budget request <routine> <amount> <reason>, for example: /budget request daily-code-review 5 retry storm during the incident';

/** The use case behind the command, as the app wires it: it knows which routines exist. */
function harness() {
  const asked: BudgetRequest[] = [];
  const command = budgetCommand({
    maxOverrideUsd: 1000,
    request: async (input) => {
      if (input.routineId !== 'daily-code-review') return err({ message: `There is no routine "${input.routineId}". Routines: daily-code-review, nightly-digest.` });
      asked.push(input);
      return ok({ approvalId: 7 });
    },
  });
  return { asked, run: (args: string) => command.run(args, ctx) };
}

describe('/budget', () => {
  it('asks for an override and answers privately where the approvers were asked', async () => {
    const { asked, run } = harness();
    expect(await run('request daily-code-review 5 retry storm during the incident')).toEqual({
      visibility: 'private',
      text: 'Requested +$5.00 for daily-code-review; the approvers have been asked in #ops.',
    });
    expect(asked).toEqual([{ routineId: 'daily-code-review', amountUsd: 5, reason: 'retry storm during the incident', actor: mike }]);
  });

  it('reads amounts written as 5, 5.00, $5 and $7.50', async () => {
    const { asked, run } = harness();
    for (const amount of ['5', '5.00', '$5', '$7.50']) await run(`request daily-code-review ${amount} storm`);
    expect(asked.map((a) => a.amountUsd)).toEqual([5, 5, 5, 7.5]);
  });

  it('shows the use case\'s answer for a routine that does not exist', async () => {
    const { asked, run } = harness();
    expect(await run('request daily-code-reveiw 5 storm')).toEqual({
      visibility: 'private',
      text: 'There is no routine "daily-code-reveiw". Routines: daily-code-review, nightly-digest.',
    });
    expect(asked).toEqual([]);
  });

  it.each([
    ['request', `/budget request needs a routine, an amount and a reason. ${USAGE}`],
    ['request daily-code-review', `/budget request needs an amount in dollars after the routine, like 5 or $5.00. ${USAGE}`],
    ['request daily-code-review 5', '/budget request needs a reason after the amount, so the approvers know why. ' + USAGE],
    ['request daily-code-review five storm', `"five" is not an amount in dollars; write it like 5, 5.00 or $5 (at most two decimals). ${USAGE}`],
    ['request daily-code-review 5.123 storm', `"5.123" is not an amount in dollars; write it like 5, 5.00 or $5 (at most two decimals). ${USAGE}`],
    ['request daily-code-review 0 storm', `An override must be more than $0.00; "0" asks for nothing. ${USAGE}`],
    ['request daily-code-review -5 storm', `An override must be more than $0.00; "-5" is negative. ${USAGE}`],
    ['request daily-code-review 5000 storm', '$5000.00 is more than one override may ask for ($1000.00). Ask for less, or change the routine\'s budget in the platform itself.'],
    ['request 5 daily-code-review storm', `The routine comes first, then the amount. ${USAGE}`],
    ['request daily/code 5 storm', `"daily/code" is not a routine id (letters, digits, dots, dashes). ${USAGE}`],
    ['raise daily-code-review 5 storm', `/budget has no option "raise". ${USAGE}`],
  ])('"/budget %s" is answered privately with what was wrong and the usage', async (args, text) => {
    const { asked, run } = harness();
    expect(await run(args)).toEqual({ visibility: 'private', text });
    expect(asked).toEqual([]);
  });

  it('refuses a reason too long to read on a card', async () => {
    const { asked, run } = harness();
    const reply = await run(`request daily-code-review 5 ${'storm '.repeat(120)}`);
    expect(reply.text).toBe('The reason is 719 characters; keep it under 500.');
    expect(asked).toEqual([]);
  });

  it('/budget and /budget help explain the command privately', async () => {
    const { run } = harness();
    const help = await run('help');
    expect(help.visibility).toBe('private');
    expect(help.text).toContain('/budget request <routine> <amount> <reason>');
    expect(help.text).toContain('For example: /budget request daily-code-review 5 retry storm during the incident');
    expect(await run('')).toEqual(help);
  });
});
