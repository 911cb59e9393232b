import { withArticle, type Role } from './roles.js';

/**
 * A refused click, answered only to the person who clicked. `message` starts with the verb so
 * the caller can put the action in front: `${actionInWords(action)} ${refusal.message}` reads
 * "Restarting a runtime needs the responder role; you are a viewer. …".
 */
export type Refusal = { code: 'forbidden'; needed: Role; held: Role; holders: string[]; message: string };

/** A refusal is a chat message: a long list of holders would bury what to do. */
const MAX_NAMED = 6;

export type RefusalContext = {
  /** The person's group memberships could not be read, and a group holds the needed role. */
  groupsUnknown?: boolean;
};

export function refusal(needed: Role, held: Role, holders: string[], context: RefusalContext = {}): Refusal {
  return { code: 'forbidden', needed, held, holders, message: refusalMessage(needed, held, holders, context) };
}

export function refusalMessage(needed: Role, held: Role, holders: string[], context: RefusalContext = {}): string {
  const unknown = context.groupsUnknown
    ? ' Your group memberships could not be checked just now, so only roles given to you by name counted; try again in a minute.'
    : '';
  return `needs the ${needed} role; you are ${withArticle(held)}. ${whoToAsk(needed, holders)}${unknown} Nothing was done.`;
}

function whoToAsk(needed: Role, holders: string[]): string {
  if (holders.length === 0) {
    // Nobody to ask: say how an operator grants it, the only way forward.
    const list = `${needed}s`;
    return `Nobody has it yet: an operator can grant it with TRIAGE_${list.toUpperCase()} or roles.${list} in triage.config.yml.`;
  }
  const named = holders.slice(0, MAX_NAMED).join(', ');
  const more = holders.length > MAX_NAMED ? ` and ${holders.length - MAX_NAMED} more` : '';
  return `Ask someone who has it: ${named}${more}.`;
}
