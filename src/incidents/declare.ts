import type { Actor } from '../actor.js';
import { incidents } from '../db/schema/incidents.js';
import { err, ok, type Result } from '../result.js';
import { nowOf, parseIncident, type Incident, type IncidentContext } from './model.js';

export type DeclareInput = { title: string; actor: Actor; channel: string };
export type DeclareError = { code: 'invalid_title'; message: string };

export const MIN_TITLE = 3;
export const MAX_TITLE = 120;
const EXAMPLE = '/incident declare Checkout API returns 500s';

/** Trimmed, with runs of whitespace (a pasted newline) made one space: a title is one line. */
export function validTitle(raw: string): Result<string, DeclareError> {
  const title = raw.replace(/\s+/g, ' ').trim();
  if (title.length < MIN_TITLE) {
    const what = title === '' ? 'needs a title' : `needs a title of at least ${MIN_TITLE} characters; "${title}" is too short`;
    return err({ code: 'invalid_title', message: `An incident ${what}. For example: ${EXAMPLE}` });
  }
  if (title.length > MAX_TITLE) {
    return err({ code: 'invalid_title', message: `The title is ${title.length} characters; keep it to ${MAX_TITLE} or fewer (the details go in the thread).` });
  }
  return ok(title);
}

/** Opens an incident by hand. Several declared incidents may be open at once; each is its own thread. */
export async function declareIncident(ctx: IncidentContext, input: DeclareInput): Promise<Result<Incident, DeclareError>> {
  const title = validTitle(input.title);
  if (!title.ok) return title;
  const now = nowOf(ctx);
  const [row] = await ctx.db
    .insert(incidents)
    .values({ title: title.value, status: 'open', origin: 'declared', openedBy: input.actor, channel: input.channel, openedAt: now, updatedAt: now })
    .returning();
  return ok(parseIncident(row!));
}
