import { z } from 'zod';
import { err, ok, type Result } from '../result.js';

/**
 * The one place button action ids are built and parsed (docs/architecture.md, conventions §8). Format, compact so most
 * ids also fit Discord's 100-character custom_id (Slack allows 255):
 *
 *   v1|<action>|<subjectKind>:<subjectId>|<targetKind>:<targetId>
 *
 * e.g. `v1|restart_runtime|insight:42|runtime:bash-runtime-mike`. Empty trailing parts are
 * dropped; `|` and `%` inside ids are percent-encoded so any id survives the round trip. A click
 * is untrusted input: parsing validates with zod and never throws.
 */
const VERSION = 'v1';
export const MAX_ACTION_ID_LENGTH = 255;

const Token = z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, 'a lower_snake_case word of at most 40 characters');
const Ref = z.object({ kind: Token, id: z.string().min(1).max(200) });

export const ActionRef = z.object({
  action: Token,
  /** What the card is about: `{ kind: 'insight', id: '42' }`, an approval, an incident... */
  subject: Ref.optional(),
  /** What the button acts on: `{ kind: 'runtime', id: 'bash-runtime-mike' }`. */
  target: Ref.optional(),
});
export type ActionRef = z.infer<typeof ActionRef>;
export type ActionRefInput = z.input<typeof ActionRef>;

export type ActionIdError = { code: 'malformed'; message: string };

const encode = (text: string): string => text.replaceAll('%', '%25').replaceAll('|', '%7C');
const encodeRef = (ref: z.infer<typeof Ref> | undefined): string => (ref ? `${ref.kind}:${encode(ref.id)}` : '');

/**
 * Throws on invalid input: ids are built by our own code from our own data, so a bad one is a
 * bug to surface in tests, not an outcome to handle.
 */
export function buildActionId(input: ActionRefInput): string {
  const ref = ActionRef.parse(input);
  const parts = [VERSION, ref.action, encodeRef(ref.subject), encodeRef(ref.target)];
  while (parts.at(-1) === '') parts.pop();
  const id = parts.join('|');
  if (id.length > MAX_ACTION_ID_LENGTH) throw new RangeError(`action id is ${id.length} characters; the limit is ${MAX_ACTION_ID_LENGTH}`);
  return id;
}

export function parseActionId(raw: string): Result<ActionRef, ActionIdError> {
  if (raw.length > MAX_ACTION_ID_LENGTH) return err({ code: 'malformed', message: 'action id is too long' });
  const [version, action, subject = '', target = '', ...rest] = raw.split('|');
  if (version !== VERSION) return err({ code: 'malformed', message: `unknown action id version: ${version ?? ''}` });
  if (rest.length > 0) return err({ code: 'malformed', message: 'action id has too many parts' });
  const decodedSubject = decodeRef(subject);
  const decodedTarget = decodeRef(target);
  if (decodedSubject === null || decodedTarget === null) return err({ code: 'malformed', message: 'action id has a malformed reference' });
  const parsed = ActionRef.safeParse({ action, subject: decodedSubject, target: decodedTarget });
  if (!parsed.success) return err({ code: 'malformed', message: z.prettifyError(parsed.error) });
  return ok(parsed.data);
}

/** undefined for an absent part, null for a part that cannot be read. */
function decodeRef(part: string): { kind: string; id: string } | undefined | null {
  if (part === '') return undefined;
  const colon = part.indexOf(':');
  if (colon <= 0) return null;
  try {
    return { kind: part.slice(0, colon), id: decodeURIComponent(part.slice(colon + 1)) };
  } catch {
    return null;
  }
}
