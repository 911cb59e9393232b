import { z } from 'zod';
import type { Database } from '../../src/db/client.js';
import { sendJson } from '../../src/http/respond.js';
import type { Route } from '../../src/http/router.js';
import type { ThreadNotes } from '../../src/incidents/thread-notes.js';
import type { ConsoleChatPort } from './chat-port.js';
import { fail, parseBody } from './http.js';
import type { Identity } from './identity.js';
import { consoleActor } from './people.js';
import { findMessage, isVisibleTo } from './store.js';

/**
 * POST /console/api/thread-reply: a reply typed under an incident's header card joins its record
 * through the same core use case as Slack's thread messages (src/incidents/thread-notes.ts).
 * `replyId` is the page's own id for one reply, so a double submit is recorded once.
 */
export const ThreadReplyBody = z.strictObject({
  personId: z.string().trim().min(1).max(200).optional(),
  channel: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,79}$/, 'a channel name: lowercase letters, digits, - and _, without the #'),
  /** The console message at the thread's root: the incident's header card. */
  messageId: z.string().regex(/^[1-9]\d{0,14}$/, 'a console message id'),
  replyId: z.string().regex(/^[A-Za-z0-9-]{8,64}$/, "the page's id for this reply"),
  text: z.string().trim().min(1, 'type something to reply').max(4000),
});
export type ThreadReplyBody = z.infer<typeof ThreadReplyBody>;

export type ThreadRouteDeps = { database: Database; port: ConsoleChatPort; identity: Identity; threadNotes: ThreadNotes };

export function threadRoutes(deps: ThreadRouteDeps): Route[] {
  return [
    {
      method: 'POST',
      path: '/console/api/thread-reply',
      handler: async (req, res) => {
        const body = await parseBody(req, ThreadReplyBody);
        if (!body.ok) return fail(res, body.error);
        const { channel, messageId, replyId, text } = body.value;
        const person = await deps.identity.acting(req, body.value.personId);
        if (!person.ok) return fail(res, person.error);
        const root = await findMessage(deps.database.db, messageId);
        if (!root || root.channel !== channel || !isVisibleTo(root, person.value.id)) {
          return fail(res, { code: 'message_not_found', message: `There is no message ${messageId} in #${channel}.` });
        }
        const actor = consoleActor(person.value);
        const noted = await deps.threadNotes.note({ platform: 'console', channel, threadMessageId: messageId, messageId: replyId, actor, text, at: new Date() });
        if (!noted.ok) {
          const code = noted.error.code === 'not_an_incident_thread' ? 'not_an_incident_thread' : 'invalid_body';
          return fail(res, { code, message: noted.error.message });
        }
        // The reply shows in the thread like anyone's message, once: a repeated submit adds nothing.
        const shown =
          noted.value.outcome === 'stored'
            ? await deps.port.store({ channel, threadOf: messageId, card: { title: actor.name ?? person.value.id, severity: 'info', state: 'info', text, fields: [], entities: [], actions: [] } })
            : undefined;
        sendJson(res, 200, { recorded: noted.value.outcome, incidentId: noted.value.incidentId, message: shown?.ok ? shown.value : null });
      },
    },
  ];
}
