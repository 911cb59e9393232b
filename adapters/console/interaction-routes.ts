import type { ServerResponse } from 'node:http';
import type { InteractionReply, Interactions } from '../../src/chat/interactions.js';
import type { Database } from '../../src/db/client.js';
import { sendJson } from '../../src/http/respond.js';
import type { Route } from '../../src/http/router.js';
import { ClickBody, CommandBody, parseSlashCommand } from './api.js';
import type { ConsoleChatPort } from './chat-port.js';
import { fail, parseBody } from './http.js';
import { homeClick, type HomeRouteDeps } from './home-routes.js';
import type { Identity } from './identity.js';
import { consoleActor } from './people.js';
import { storeReply, type ReplyTarget } from './replies.js';
import { findMessage, isVisibleTo } from './store.js';

export type InteractionDeps = {
  database: Database;
  port: ConsoleChatPort;
  interactions: Interactions;
  identity: Identity;
  /** The Home view's buttons come through the same click route (adapters/console/home-routes.ts). */
  home?: HomeRouteDeps;
};

/**
 * Buttons and slash commands: each handler parses, builds the Actor, calls the core, and keeps
 * the core's reply as a console message. The answer carries both the reply and the stored
 * message, so the page shows it even when its live stream is down.
 */
export function interactionRoutes(deps: InteractionDeps): Route[] {
  const { port, interactions, identity } = deps;
  const { db } = deps.database;

  const answer = async (res: ServerResponse, reply: InteractionReply, target: ReplyTarget): Promise<void> => {
    const stored = await storeReply(port, reply, target);
    sendJson(res, 200, { reply, message: stored.ok ? stored.value : null });
  };

  return [
    {
      method: 'POST',
      path: '/console/api/click',
      handler: async (req, res) => {
        const body = await parseBody(req, ClickBody);
        if (!body.ok) return fail(res, body.error);
        if (body.value.from === 'home') {
          if (!deps.home) return fail(res, { code: 'action_not_on_card', message: 'This console shows no Home view.' });
          return homeClick(deps.home, req, res, body.value);
        }
        const { actionId } = body.value;
        // ClickBody requires both unless the click is from Home.
        const channel = body.value.channel!;
        const messageId = body.value.messageId!;
        // Before anything else: who acts comes from the session (or the picker), never from the body alone.
        const person = await identity.acting(req, body.value.personId);
        if (!person.ok) return fail(res, person.error);
        const personId = person.value.id;
        const message = await findMessage(db, messageId);
        if (!message || message.channel !== channel || !isVisibleTo(message, personId)) {
          return fail(res, { code: 'message_not_found', message: `There is no message ${messageId} in #${channel}.` });
        }
        // The button must be on the card as stored now: a stale page cannot click a button the
        // card no longer has (a dismissed card loses its buttons), and `value` comes from us.
        const action = message.card.actions.find((a) => a.id === actionId);
        if (!action) {
          return fail(res, { code: 'action_not_on_card', message: 'That button is no longer on this card; the card has changed since it was shown.' });
        }
        const reply = await interactions.click({
          actionId,
          actor: consoleActor(person.value),
          message: { platform: 'console', channel, messageId },
          ...(action.value === undefined ? {} : { value: action.value }),
        });
        await answer(res, reply, { channel, personId, threadOf: messageId });
      },
    },
    {
      method: 'POST',
      path: '/console/api/command',
      handler: async (req, res) => {
        const body = await parseBody(req, CommandBody);
        if (!body.ok) return fail(res, body.error);
        const { text, channel } = body.value;
        const person = await identity.acting(req, body.value.personId);
        if (!person.ok) return fail(res, person.error);
        const personId = person.value.id;
        const slash = parseSlashCommand(text);
        if (!slash.ok) return fail(res, slash.error);
        const reply = await interactions.command({
          command: slash.value.command,
          text: slash.value.args,
          actor: consoleActor(person.value),
          channel,
          platform: 'console',
        });
        await answer(res, reply, { channel, personId });
      },
    },
  ];
}
