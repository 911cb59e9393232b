import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Interactions } from '../../src/chat/interactions.js';
import { HOME_CHANNEL, type HomeEntry } from '../../src/home/surface.js';
import type { HomeView } from '../../src/home/view.js';
import { sendJson } from '../../src/http/respond.js';
import type { Route } from '../../src/http/router.js';
import { ViewerQuery } from './api.js';
import type { ConsoleChatPort } from './chat-port.js';
import { fail, parseQuery } from './http.js';
import type { Identity } from './identity.js';
import { consoleActor } from './people.js';
import { storeReply } from './replies.js';

export type HomeRouteDeps = {
  home: HomeEntry;
  identity: Identity;
  interactions: Interactions;
  port: ConsoleChatPort;
  /** Where a Home click's reply is kept: the console has no DM, so the default channel, privately. */
  defaultChannel: string;
};

/**
 * The console's Home view: the same neutral overview as Slack's Home tab (src/home/view.ts), pulled
 * by the page for the person it shows, who is decided as for every console route (identity.ts).
 * The page draws it; the core never learns HTML.
 */
export function homeRoutes(deps: HomeRouteDeps): Route[] {
  return [
    {
      method: 'GET',
      path: '/console/api/home',
      handler: async (req, res) => {
        const query = parseQuery(req, ViewerQuery);
        if (!query.ok) return fail(res, query.error);
        const person = await deps.identity.acting(req, query.value.as);
        if (!person.ok) return fail(res, person.error);
        sendJson(res, 200, { viewer: person.value.id, view: await deps.home.viewFor(consoleActor(person.value)) });
      },
    },
  ];
}

/**
 * A button pressed on Home, through the console's click route. As with a card, the button must be
 * on the view this person would be shown now: a stale page cannot press an Approve that is gone,
 * nor a viewer one Home never offered them. The reply is kept privately (or for the channel) in the
 * default channel, and the answer carries the fresh view, so the page redraws Home at once.
 */
export async function homeClick(deps: HomeRouteDeps, req: IncomingMessage, res: ServerResponse, body: { actionId: string; personId?: string | undefined }): Promise<void> {
  const person = await deps.identity.acting(req, body.personId);
  if (!person.ok) return fail(res, person.error);
  const actor = consoleActor(person.value);
  const action = actionsOf(await deps.home.viewFor(actor)).find((a) => a.id === body.actionId);
  if (!action) return fail(res, { code: 'action_not_on_card', message: 'That button is no longer on your Home view; it has changed since it was shown.' });
  const reply = await deps.interactions.click({
    actionId: body.actionId,
    actor,
    message: { platform: 'console', channel: HOME_CHANNEL, messageId: HOME_CHANNEL },
    ...(action.value === undefined ? {} : { value: action.value }),
  });
  const stored = await storeReply(deps.port, reply, { channel: deps.defaultChannel, personId: person.value.id });
  sendJson(res, 200, { reply, message: stored.ok ? stored.value : null, view: await deps.home.viewFor(actor) });
}

const actionsOf = (view: HomeView) => view.sections.flatMap((s) => s.items.flatMap((i) => i.actions));
