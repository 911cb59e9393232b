import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { z } from 'zod';
import { Actor } from '../../src/actor.js';
import { parseActionId } from '../../src/chat/action-id.js';
import { APOLOGY, BUSY } from '../../src/chat/answers.js';
import type { Card } from '../../src/chat/card.js';
import type { InteractionReply, Interactions } from '../../src/chat/interactions.js';
import type { PendingEntry, PendingWork } from '../../src/chat/pending-work.js';
import type { WorkQueue } from '../../src/chat/work-queue.js';
import type { RouteHandler } from '../../src/http/router.js';
import { UNSTORABLE_REASON, unstorableInJson } from '../../src/http/storable-text.js';
import { messageIdOf, type DiscordChannels } from './channels.js';
import { TEXT_OPTION } from './commands.js';
import { asksFirst, NO, settled, YES, type Confirmations, type Pending } from './confirm.js';
import type { FollowUps } from './follow-up.js';
import type { MemberRoles } from './member-roles.js';
import { neutralizeMentions } from './render/text.js';
import { EPHEMERAL, Interaction, personOf, RESPONSE, type CommandInteraction, type ComponentInteraction } from './payloads.js';
import type { InteractionVerifier } from './verify.js';

export const DISCORD_INTERACTIONS_PATH = '/discord/interactions';
const MAX_BODY_BYTES = 1024 * 1024;
const CHANNEL_MESSAGE = 4;

/** What handling an interaction needs, however it arrived. */
export type InteractionDeps = Omit<DiscordEntryDeps, 'verify'>;

export type DiscordEntryDeps = {
  verify: InteractionVerifier;
  interactions: Interactions;
  channels: DiscordChannels;
  /** Routing's default channel: what DISCORD_CHANNEL stands for. */
  defaultChannel: string;
  followUps: FollowUps;
  render: (card: Card) => { embeds: unknown[]; components: unknown[] };
  roles: MemberRoles;
  confirmations: Confirmations;
  queue: WorkQueue;
  /** Acknowledged work on record (and an interaction's first sight): src/chat/pending-work.ts. */
  work: PendingWork;
  logger: Logger;
};

/**
 * POST /discord/interactions: Discord's one entry for commands and buttons. It must answer within
 * 3 s, so every interaction is acknowledged at once (a deferred answer) and its work runs after,
 * in the adapter's bounded queue; the answer then arrives through the interaction's webhook.
 */
export function interactionsHandler(deps: DiscordEntryDeps): RouteHandler {
  return async (req, res) => {
    const body = await readBody(req);
    if (!body) return answer(res, 413, { error: `body over ${MAX_BODY_BYTES} bytes` });
    const verified = deps.verify({ signature: header(req, 'x-signature-ed25519'), timestamp: header(req, 'x-signature-timestamp') }, body);
    if (!verified.ok) return answer(res, 401, { error: verified.reason });
    const parsed = parseInteraction(body.toString('utf8'));
    if (!parsed.ok) return answer(res, 400, { error: parsed.error });
    const { response, afterAck } = await answerInteraction(deps, parsed.interaction);
    answer(res, 200, response);
    await afterAck?.(true);
  };
}

/** A verified body as an interaction Triage handles, or why not (the HTTP route's 400). */
export function parseInteraction(text: string): { ok: true; interaction: Interaction } | { ok: false; error: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, error: 'the body is not JSON' };
  }
  const unstorable = unstorableInJson(text, json);
  if (unstorable !== undefined) return { ok: false, error: `the interaction ${UNSTORABLE_REASON}: at ${unstorable}` };
  const parsed = Interaction.safeParse(json);
  if (!parsed.success) return { ok: false, error: 'not an interaction Triage handles (ping, slash command or button)' };
  return { ok: true, interaction: parsed.data };
}

/**
 * What to answer an interaction with at once, and the work it acknowledges. `afterAck` must be
 * called once the response is with Discord (or failed to get there: `false`), and resolves when
 * the work is done; the work holds its place in the queue meanwhile, but starts only after the
 * ack, since Discord refuses follow-ups to an interaction it has no response for. One function
 * for both ways interactions arrive: the HTTP route writes `response` as its body; gateway mode
 * (adapters/discord/gateway.ts) sends it to /interactions/{id}/{token}/callback.
 */
export type Answer = { response: object; afterAck?: (sent: boolean) => Promise<void> };

export async function answerInteraction(deps: InteractionDeps, interaction: Interaction): Promise<Answer> {
  if (interaction.type === 1) return { response: { type: RESPONSE.PONG } };
  const planned = await plan(deps, interaction);
  if ('respond' in planned) return { response: planned.respond };
  let acked!: (sent: boolean) => void;
  const sent = new Promise<boolean>((resolve) => (acked = resolve));
  const done = deps.queue.submit(async () => {
    if (await sent) await withBoundary(deps, interaction, planned.work);
  });
  // A full queue is said in the ack itself, privately: nothing was started, so trying again is safe.
  if (!done) return { response: { type: CHANNEL_MESSAGE, data: { content: BUSY, flags: EPHEMERAL, allowed_mentions: { parse: [] } } } };
  return {
    response: planned.ack,
    afterAck: async (ok) => {
      acked(ok);
      await done;
    },
  };
}

/** Either an answer right away (a question, a cancel, an expired Yes), or work for after the ack and the ack itself. */
type Planned = { respond: object } | { work: () => Promise<void>; ack: object };

async function plan(deps: InteractionDeps, interaction: CommandInteraction | ComponentInteraction): Promise<Planned> {
  // A command's "thinking…" is private until the core says the answer is for the channel.
  if (interaction.type === 2) return { work: () => runCommand(deps, interaction), ack: { type: RESPONSE.DEFERRED_WITH_SOURCE, data: { flags: EPHEMERAL } } };
  const decided = await confirmationStep(deps, interaction);
  if ('response' in decided) return { respond: decided.response };
  // A click's ack leaves the card as it is (the outbox changes it); a confirmed question becomes what was confirmed.
  return { work: () => runClick(deps, interaction, decided), ack: decided.confirmed ? settled('Confirmed. Working on it…') : { type: RESPONSE.DEFERRED_UPDATE } };
}

function actorOf(deps: InteractionDeps, interaction: CommandInteraction | ComponentInteraction): Actor {
  const person = personOf(interaction);
  if (!person) throw new Error('interaction without a user');
  deps.roles.remember(person.userId, person.roles);
  return Actor.parse({ platform: 'discord', userId: person.userId, ...(person.guildId ? { teamId: person.guildId } : {}), ...(person.name ? { name: person.name } : {}) });
}

async function runCommand(deps: InteractionDeps, interaction: CommandInteraction): Promise<void> {
  const text = interaction.data.options.find((o) => o.name === TEXT_OPTION)?.value;
  const input = {
    command: `/${interaction.data.name}`,
    text: typeof text === 'string' ? text : '',
    actor: actorOf(deps, interaction),
    // In a DM there is no channel: the answer goes back to the person through the webhook anyway.
    channel: interaction.channel_id ? deps.channels.logicalOf(interaction.channel_id, deps.defaultChannel) : deps.defaultChannel,
    platform: 'discord' as const,
  };
  await onRecord(deps, interaction, { kind: 'command', input, address: { token: interaction.token, kind: 'command' } }, async () =>
    answerCommand(deps, interaction.token, await deps.interactions.command(input)),
  );
}

/**
 * The work is on record (src/chat/pending-work.ts) before it runs, so if this replica dies after
 * the ack another one answers through the same interaction token; an interaction seen before
 * (two replicas handed one request by a retrying proxy) is not run twice.
 */
async function onRecord(deps: InteractionDeps, interaction: CommandInteraction | ComponentInteraction, entry: PendingEntry, work: () => Promise<void>): Promise<void> {
  const key = `discord:${interaction.id}`;
  if (!(await deps.work.begin(key, 'discord', entry))) {
    deps.logger.info({ interaction: interaction.id }, 'Discord interaction already handled');
    return;
  }
  try {
    await work();
  } finally {
    await deps.work.finish(key);
  }
}

/** Where a reply goes, for an answer given now or by another replica later (the entry's address). */
export const AnswerAddress = z.object({ token: z.string(), kind: z.enum(['command', 'click']) });

export async function answerAt(deps: Pick<DiscordEntryDeps, 'followUps' | 'render'>, address: unknown, reply: InteractionReply): Promise<void> {
  const parsed = AnswerAddress.safeParse(address);
  if (!parsed.success) throw new Error('a Discord answer address that does not parse');
  if (parsed.data.kind === 'command') return answerCommand(deps, parsed.data.token, reply);
  await delivered(deps.followUps.post(parsed.data.token, { ...message(deps, reply), ...(reply.visibility === 'private' ? { flags: EPHEMERAL } : {}) }));
}

async function answerCommand(deps: Pick<DiscordEntryDeps, 'followUps' | 'render'>, token: string, reply: InteractionReply): Promise<void> {
  if (reply.visibility === 'private') return delivered(deps.followUps.editOriginal(token, message(deps, reply)));
  // The deferred answer is private, and Discord makes the first follow-up after a private defer
  // private too: so the "thinking…" is settled first, and the answer for everyone comes second.
  await delivered(deps.followUps.editOriginal(token, { content: 'Posted in the channel.' }));
  await delivered(deps.followUps.post(token, message(deps, reply)));
}

/** What a button press asks the core to do, on which card: the pressed one, or the one a confirmed question was about. */
type Clicked = { actionId: string; channelId: string; messageId: string; confirmed: boolean };

/**
 * Buttons marked to ask first are answered with the question (no work queued); Cancel settles it;
 * Yes turns into the original click on the original card.
 */
async function confirmationStep(deps: InteractionDeps, interaction: ComponentInteraction): Promise<Clicked | { response: object }> {
  const customId = interaction.data.custom_id;
  const channelId = interaction.message.channel_id ?? interaction.channel_id ?? '';
  const toAsk = asksFirst(customId);
  // Only a button Triage could have made is asked about; a forged one goes on to the core, which refuses it in words, and no question is stored.
  if (toAsk !== undefined && parseActionId(toAsk).ok) {
    try {
      return { response: await deps.confirmations.ask(toAsk, { channelId, messageId: interaction.message.id }) };
    } catch (error) {
      deps.logger.error({ err: error, action: toAsk }, 'could not ask a Discord user to confirm');
      return { response: { type: CHANNEL_MESSAGE, data: { content: APOLOGY, flags: EPHEMERAL } } };
    }
  }
  if (customId.startsWith(NO)) {
    // The question's buttons go with this answer, so a row left by a failed delete cannot be pressed; it expires.
    await deps.confirmations.take(customId).catch((error: unknown) => deps.logger.error({ err: error }, 'could not forget a cancelled Discord question'));
    return { response: settled('Cancelled. Nothing was done.') };
  }
  if (customId.startsWith(YES)) {
    let pending: Pending | undefined;
    try {
      pending = await deps.confirmations.take(customId);
    } catch (error) {
      // The question and its buttons stay: pressing Yes again acts, or says it expired if the delete did land.
      deps.logger.error({ err: error }, 'could not read a Discord confirmation');
      return { response: { type: CHANNEL_MESSAGE, data: { content: APOLOGY, flags: EPHEMERAL } } };
    }
    if (!pending) return { response: settled('This question has expired, so nothing was done. Press the button on the card again.') };
    return { ...pending, confirmed: true };
  }
  return { actionId: customId, channelId, messageId: interaction.message.id, confirmed: false };
}

async function runClick(deps: InteractionDeps, interaction: ComponentInteraction, clicked: Clicked): Promise<void> {
  const { channelId } = clicked;
  const input = {
    actionId: clicked.actionId,
    actor: actorOf(deps, interaction),
    message: { platform: 'discord' as const, channel: deps.channels.logicalOf(channelId, deps.defaultChannel), messageId: messageIdOf(channelId, clicked.messageId) },
    // Discord does not redeliver, but one click is still one interaction id.
    deliveryId: `discord:${interaction.id}`,
  };
  const address = { token: interaction.token, kind: 'click' as const };
  await onRecord(deps, interaction, { kind: 'click', input, address }, async () => answerAt(deps, address, await deps.interactions.click(input)));
}

/**
 * The core's reply as a Discord message; pings are off whatever the text says. The text carries
 * names and what people typed ("declared by <nick>: <title>"): `@everyone` and `<@id>` in it are
 * shown as typed, not highlighted as a ping or drawn as a mention.
 */
function message(deps: Pick<DiscordEntryDeps, 'render'>, reply: InteractionReply): object {
  const rendered = reply.card ? deps.render(reply.card) : undefined;
  return { content: neutralizeMentions(reply.text).slice(0, 2000), ...(rendered ? { embeds: rendered.embeds, components: rendered.components } : {}), allowed_mentions: { parse: [] } };
}

async function delivered(call: Promise<{ ok: boolean; error?: unknown }>): Promise<void> {
  const done = await call;
  if (!done.ok) throw new Error(`Discord did not take the answer: ${JSON.stringify(done.error)}`);
}

/** Whatever fails after the ack, the person hears so privately and the log says what. */
async function withBoundary(deps: InteractionDeps, interaction: CommandInteraction | ComponentInteraction, work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (error) {
    const what = interaction.type === 2 ? { command: interaction.data.name } : { action: interaction.data.custom_id };
    deps.logger.error({ err: error, discord: interaction.type === 2 ? 'command' : 'button', ...what }, 'Discord handler failed');
    const told = await deps.followUps.post(interaction.token, { content: APOLOGY, flags: EPHEMERAL, allowed_mentions: { parse: [] } });
    if (!told.ok) deps.logger.error({ ...what }, 'could not tell the Discord user their request failed');
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The raw body (the signature covers its exact bytes), or undefined past the limit (drained, so a 413 can still be sent). */
function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => resolve(size > MAX_BODY_BYTES ? undefined : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function answer(res: ServerResponse, status: number, body: object): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }).end(text);
}
