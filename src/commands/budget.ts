import type { Actor } from '../actor.js';
import { usd } from '../insights/catalog/helpers.js';
import { err, ok, type Result } from '../result.js';
import { privately, type Command } from './command.js';

export type BudgetRequest = { routineId: string; amountUsd: number; reason: string; actor: Actor };

export type BudgetCommandDeps = {
  /** Checks the routine exists and asks the approvers; its error message is shown as it is. */
  request: (input: BudgetRequest) => Promise<Result<{ approvalId: number; channel?: string }, { message: string }>>;
  /** The most one request may ask for (ApprovalsConfig.maxOverrideUsd). */
  maxOverrideUsd?: number;
};

const USAGE = '/budget request <routine> <amount> <reason>';
const EXAMPLE = '/budget request daily-code-review 5 retry storm during the incident';
const usage = [`${USAGE} — ask the approvers for a budget override`, '/budget help — this help'];
const ROUTINE = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,199}$/;
const AMOUNT = /^\$?(\d{1,9})(\.\d{1,2})?$/;
const MAX_REASON = 500;
const DEFAULT_MAX_USD = 1_000;

const correct = `Usage: ${USAGE}, for example: ${EXAMPLE}`;

/** Pure parsing of "<routine> <amount> <reason>", every mistake named precisely. */
export function parseBudgetRequest(args: string, maxUsd: number): Result<Omit<BudgetRequest, 'actor'>, string> {
  const [routineId = '', amount = '', ...words] = args.trim().split(/\s+/).filter(Boolean);
  if (routineId === '') return err(`/budget request needs a routine, an amount and a reason. ${correct}`);
  if (AMOUNT.test(routineId) && amount !== '' && !AMOUNT.test(amount)) return err(`The routine comes first, then the amount. ${correct}`);
  if (!ROUTINE.test(routineId)) return err(`"${routineId}" is not a routine id (letters, digits, dots, dashes). ${correct}`);
  if (amount === '') return err(`/budget request needs an amount in dollars after the routine, like 5 or $5.00. ${correct}`);
  if (amount.startsWith('-')) return err(`An override must be more than $0.00; "${amount}" is negative. ${correct}`);
  if (!AMOUNT.test(amount)) return err(`"${amount}" is not an amount in dollars; write it like 5, 5.00 or $5 (at most two decimals). ${correct}`);
  const amountUsd = Number(amount.replace('$', ''));
  if (amountUsd <= 0) return err(`An override must be more than $0.00; "${amount}" asks for nothing. ${correct}`);
  if (amountUsd > maxUsd) {
    return err(`${usd(amountUsd)} is more than one override may ask for (${usd(maxUsd)}). Ask for less, or change the routine's budget in the platform itself.`);
  }
  const reason = words.join(' ');
  if (reason === '') return err(`/budget request needs a reason after the amount, so the approvers know why. ${correct}`);
  if (reason.length > MAX_REASON) return err(`The reason is ${reason.length} characters; keep it under ${MAX_REASON}.`);
  return ok({ routineId, amountUsd, reason });
}

const channelName = (channel: string): string => (channel.startsWith('#') ? channel : `#${channel}`);

/**
 * `/budget request <routine> <amount> <reason>`: asks for a budget override by hand. Every answer
 * is private (mistakes, and the confirmation); the approval card itself goes to the approvers'
 * channel through the request, so the room sees one card, not one per typo.
 */
export function budgetCommand(deps: BudgetCommandDeps): Command {
  const maxUsd = deps.maxOverrideUsd ?? DEFAULT_MAX_USD;
  return {
    name: 'budget',
    summary: 'ask the approvers for a budget override for a routine',
    usage,
    async run(args, ctx) {
      const [verb = '', ...rest] = args.trim().split(/\s+/).filter(Boolean);
      const option = verb.toLowerCase();
      if (option === '' || option === 'help') {
        return privately(['*/budget* asks the approvers to raise a paused routine\'s budget:', ...usage, `For example: ${EXAMPLE}`].join('\n'));
      }
      if (option !== 'request') return privately(`/budget has no option "${verb}". ${correct}`);
      const parsed = parseBudgetRequest(rest.join(' '), maxUsd);
      if (!parsed.ok) return privately(parsed.error);
      const requested = await deps.request({ ...parsed.value, actor: ctx.actor });
      if (!requested.ok) return privately(requested.error.message);
      const where = channelName(requested.value.channel ?? ctx.channel);
      return privately(`Requested +${usd(parsed.value.amountUsd)} for ${parsed.value.routineId}; the approvers have been asked in ${where}.`);
    },
  };
}
