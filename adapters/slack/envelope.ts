import { z } from 'zod';
import { UNSTORABLE_REASON, unstorableChar, unstorableInJson } from '../../src/http/storable-text.js';
import { SLACK_EVENT_TYPES } from './events/index.js';
import { BlockAction, SlashCommand } from './payloads.js';

/**
 * The shape check of a signed request before Bolt sees it (invariant 4). Bolt assumes Slack's
 * shapes: a signed `payload=null` threw inside its receiver (an unhandled error, no answer), and
 * a block action without a user, with no actions, or a view_submission with nothing in it
 * answered 500, which Slack retries. What Triage acts on (a button, a slash command) must parse
 * with the schemas its handlers use and goes to Bolt; Slack's URL check goes to Bolt; any other
 * well-formed request (a payload type or an event Triage has no listener for) is acknowledged
 * here with an empty 200, as Bolt would after its 3-second wait.
 */
export type EnvelopeCheck = { ok: true; to: 'bolt' | 'ack' } | { ok: false; reason: string };

const Typed = z.object({ type: z.string().min(1) }).loose();
const UrlCheck = z.object({ type: z.literal('url_verification'), challenge: z.string().min(1) });
/** An Events API callback for an event a listener is registered for (adapters/slack/events/). */
const ListenedEvent = z.object({ type: z.literal('event_callback'), event: z.object({ type: z.enum(SLACK_EVENT_TYPES) }).loose() }).loose();

const describe = (error: z.ZodError): string =>
  error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.length ? issue.path.join('.') : 'payload'}: ${issue.message}`)
    .join('; ');

export function checkSlackEnvelope(contentType: string | undefined, body: Buffer): EnvelopeCheck {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  const text = body.toString('utf8');
  if (type === 'application/json') {
    const parsed = parseJson(text, 'an Events API body');
    if (!parsed.ok) return parsed;
    return UrlCheck.safeParse(parsed.value).success || ListenedEvent.safeParse(parsed.value).success ? { ok: true, to: 'bolt' } : { ok: true, to: 'ack' };
  }
  if (type !== 'application/x-www-form-urlencoded') return { ok: false, reason: `unexpected content-type "${type || 'none'}": Slack sends JSON or form-encoded bodies` };
  const form = new URLSearchParams(text);
  for (const [key, value] of form) {
    if (unstorableChar(key) || unstorableChar(value)) return { ok: false, reason: `a form field ${UNSTORABLE_REASON}` };
  }
  const payload = form.get('payload');
  if (payload !== null) {
    const parsed = parseJson(payload, 'the interactivity payload');
    if (!parsed.ok) return parsed;
    const unstorable = unstorableInJson(payload, parsed.value);
    if (unstorable !== undefined) return { ok: false, reason: `the interactivity payload ${UNSTORABLE_REASON}: at ${unstorable}` };
    if ((parsed.value as { type: string }).type !== 'block_actions') return { ok: true, to: 'ack' };
    const action = BlockAction.safeParse(parsed.value);
    return action.success ? { ok: true, to: 'bolt' } : { ok: false, reason: `a block_actions payload Triage cannot act on: ${describe(action.error)}` };
  }
  if (form.has('command')) {
    const command = SlashCommand.safeParse(Object.fromEntries(form));
    return command.success ? { ok: true, to: 'bolt' } : { ok: false, reason: `a slash command Triage cannot answer: ${describe(command.error)}` };
  }
  return { ok: false, reason: 'a form body with neither a payload nor a command' };
}

/** The body as JSON, and an object with a `type`, or what was wrong with it. */
function parseJson(text: string, what: string): { ok: true; value: unknown } | { ok: false; reason: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, reason: `${what} is not JSON` };
  }
  return Typed.safeParse(value).success ? { ok: true, value } : { ok: false, reason: `${what} is not an object with a type` };
}
