import type { AllMiddlewareArgs, App, BlockAction as BoltBlockAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { Actor } from '../../../src/actor.js';
import { BUSY } from '../../../src/chat/answers.js';
import type { MessageRef } from '../../../src/chat/interactions.js';
import { HOME_CHANNEL, type HomeEntry } from '../../../src/home/surface.js';
import { withBoundary } from '../boundary.js';
import { messageIdOf } from '../channels.js';
import type { SlackHandlerDeps } from '../handler-deps.js';
import { slackActor } from '../people.js';
import { BlockAction, clickSource, type ClickSource } from '../payloads.js';
import { dmRespond, sendReply, type AnswerAddress } from '../reply.js';
import type { Respond } from '../respond.js';
import { postAckQueue } from '../work-queue.js';

type Args = SlackActionMiddlewareArgs<BoltBlockAction> & AllMiddlewareArgs;
/** Home is refreshed for the clicker at once after a click on it (adapters/slack/bolt-app.ts passes it). */
type ButtonDeps = SlackHandlerDeps & { home?: HomeEntry };

/**
 * Every button → the core's click. The card changes only through the outbox (the core publishes
 * the dismissed card), so this answers the clicker and never edits the card itself. The click's
 * work waits its turn in the adapter's bounded post-ack queue, as a command's does. A click on the
 * Home tab takes the same path; it has no response_url, so its answer goes to the person's DM.
 */
export function registerButtons(app: App, deps: ButtonDeps): void {
  app.action<BoltBlockAction>({ type: 'block_actions' }, (args) => handleButton(deps, args));
}

export async function handleButton(deps: ButtonDeps, { body, ack, client }: Args): Promise<void> {
  const source = clickSource(body as Parameters<typeof clickSource>[0]);
  const respond = source?.kind === 'home' ? dmRespond(client, body.user.id) : deps.responder.to(body.response_url);
  const context = { slack: 'block_action', action: body.actions[0]?.action_id, from: source?.kind };
  const done = postAckQueue(deps).submit(() => withBoundary({ logger: deps.logger, respond }, context, () => click(deps, body, respond)));
  await ack();
  // A click's ack cannot carry a message, so a full queue is said through response_url (Home: the DM).
  if (!done) return withBoundary({ logger: deps.logger }, context, () => respond({ response_type: 'ephemeral', replace_original: false, text: BUSY }));
  await done;
}

async function click(deps: ButtonDeps, body: Args['body'], respond: Respond): Promise<void> {
  const payload = BlockAction.parse(body);
  const action = payload.actions[0]!;
  const teamId = payload.team?.id ?? payload.user.team_id ?? '-';
  const source = clickSource(payload);
  if (!source) throw new Error('block action from neither a message nor the Home tab');
  // Named here, after the ack and before the work is on record, so a replica resuming it says the same name.
  const actor = await slackActor(deps.people, { teamId: payload.team?.id ?? payload.user.team_id, userId: payload.user.id, handle: payload.user.username ?? payload.user.name });
  const input = {
    actionId: action.action_id,
    actor,
    message: messageRefOf(deps, source),
    ...(action.value === undefined ? {} : { value: action.value }),
  };
  // Slack stamps each click with its own action_ts: the same click redelivered has the same one.
  // The work is on record before it runs, so another replica answers if this one dies.
  const key = `action:${teamId}:${payload.user.id}:${action.action_ts}:${action.action_id}`;
  const address: AnswerAddress = source.kind === 'home' ? { dm: payload.user.id } : source.responseUrl;
  if (!(await deps.work.begin(key, 'slack', { kind: 'click', input, address }))) {
    deps.logger.info({ action: action.action_id, user: payload.user.id }, 'Slack redelivered a click; already handled');
    return;
  }
  try {
    await sendReply(respond, await deps.interactions.click(input));
  } finally {
    await deps.work.finish(key);
  }
  // The clicker sees the outcome on Home at once; everyone else's Home follows with the leader's refresh.
  if (source.kind === 'home' && deps.home) await refreshHome(deps, deps.home, actor);
}

/**
 * What the core records as the pressed message. A Home click has none: it is recorded as from
 * the logical channel 'home' (no route posts there, so the audit says truthfully where the press
 * came from) and Slack's id of that person's Home view, which names the surface pressed.
 */
function messageRefOf(deps: ButtonDeps, source: ClickSource): MessageRef {
  if (source.kind === 'home') return { platform: 'slack', channel: HOME_CHANNEL, messageId: `home:${source.viewId}` };
  return { platform: 'slack', channel: deps.channels.logicalOf(source.channel, deps.defaultChannel), messageId: messageIdOf(source.channel, source.ts) };
}

async function refreshHome(deps: ButtonDeps, home: HomeEntry, actor: Actor): Promise<void> {
  const shown = await home.opened(actor);
  if (!shown.ok) deps.logger.warn({ user: actor.userId, reason: shown.error }, 'could not refresh Home after a click on it; the next refresh pass shows it');
}
