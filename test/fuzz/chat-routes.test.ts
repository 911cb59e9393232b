import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConsoleChatPort } from '../../adapters/console/chat-port.js';
import { createLiveHub } from '../../adapters/console/live-hub.js';
import { BlockAction } from '../../adapters/slack/payloads.js';
import { SLACK_COMMANDS } from '../../adapters/slack/bolt-app.js';
import { parseActionId } from '../../src/chat/action-id.js';
import { APOLOGY, BUSY } from '../../src/chat/answers.js';
import { Card } from '../../src/chat/card.js';
import { actionBody, blockAction, commandBody, HOOKS, postSigned } from '../adapters/slack/support.js';
import { anyJson, anyText, bodyNear, commandArgs, mutated, mutatedJson, nasty, ROUTE_RUNS } from './arbitraries.js';
import { cannotAct, commandActs, HARMLESS_BUTTONS, postDiscord, startChatFuzz, waitFor, type ChatFuzz } from './chat-far-side.js';
import { answerOf, changed, expectRefusal, rowCounts, type RowCounts } from './http.js';
import { VALID_INTERACTIONS } from './payloads.js';

/**
 * Chat's inbound paths over real HTTP, correctly signed where the platform signs: every request
 * is refused with a 4xx and a reason, or acknowledged and then answered privately in words that
 * are not the apology for a crash. Nothing that acts is generated, so nothing may be written.
 */
let seq = 0;
const next = () => ++seq;

/** What a person is told: words, not the crash apology (a bad argument is an answer, not an error). */
function expectWords(text: unknown, context: string): void {
  expect(typeof text === 'string' && text.trim().length > 10, `${context}: answered in words → ${String(text)}`).toBe(true);
  expect(text, context).not.toBe(APOLOGY);
}

const command = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...SLACK_COMMANDS) },
  { weight: 2, arbitrary: fc.constantFrom(...SLACK_COMMANDS).chain((c) => mutated(c)) },
  { weight: 1, arbitrary: fc.oneof(anyText, nasty).map((t) => `/${t}`) },
);
const commandLine = fc.tuple(command, commandArgs).filter(([c, t]) => !commandActs(c, t));
const button = fc.oneof(
  { weight: 2, arbitrary: fc.constantFrom(...HARMLESS_BUTTONS) },
  { weight: 4, arbitrary: fc.constantFrom(...HARMLESS_BUTTONS).chain((id) => mutated(id)) },
  { weight: 2, arbitrary: anyText },
).filter(cannotAct);

describe('chat routes under hostile requests', () => {
  let chat: ChatFuzz;
  let before: RowCounts;
  let cardMessage: string;
  beforeAll(async () => {
    chat = await startChatFuzz();
    // A console card with buttons, so console clicks can reach the core as well as be refused.
    const port = createConsoleChatPort({ database: chat.triage.database, hub: createLiveHub() });
    const card = Card.parse({ title: 'A card', severity: 'critical', category: 'operational', actions: HARMLESS_BUTTONS.map((id) => ({ id, label: id })) });
    const stored = await port.store({ channel: 'ops', card });
    if (!stored.ok) throw new Error('could not store the console card');
    cardMessage = stored.value.id;
    before = await rowCounts(chat.triage.database);
  });
  afterAll(() => chat?.close());

  it(`POST /slack/events, slash commands: ${ROUTE_RUNS} signed command lines are refused with a reason or answered privately in words`, async () => {
    const fields = fc.oneof({ weight: 4, arbitrary: fc.constant({}) }, { weight: 1, arbitrary: fc.dictionary(fc.constantFrom('user_id', 'team_id', 'channel_id', 'trigger_id', 'command', 'user_name'), fc.oneof(anyText, fc.constant('')), { maxKeys: 2 }) });
    const seen = new Set<string>();
    await fc.assert(
      fc.asyncProperty(commandLine, fields, async ([name, text], overrides: Record<string, string>) => {
        if (overrides.command !== undefined) fc.pre(!commandActs(overrides.command, text));
        const responseUrl = `${HOOKS}/commands/fuzz/${next()}`;
        const form = commandBody(name, text, { ...overrides, response_url: responseUrl });
        const answer = await answerOf(await postSigned(chat.triage.url, form));
        if (answer.status !== 200) return expectRefusal(answer, `${name} ${text}`);
        // A command Slack redelivers (same team and trigger_id) is answered once.
        const fields = new URLSearchParams(form);
        const key = `${fields.get('team_id')}:${fields.get('trigger_id')}`;
        const hook = await waitFor(() => chat.slack.hooks.find((h) => h.url === responseUrl), seen.has(key) ? 200 : 5_000);
        if (seen.has(key)) return;
        seen.add(key);
        expect(hook, `${name} ${text}: acknowledged, then answered at response_url`).toBeDefined();
        expectWords(hook!.body.text, `${name} ${text}`);
        if (hook!.body.text !== BUSY) expect(hook!.body.response_type, `${name} ${text}`).toBe('ephemeral');
      }),
      { numRuns: ROUTE_RUNS },
    );
  }, 120_000);

  it(`POST /slack/events, buttons: ${ROUTE_RUNS} signed interactivity payloads are refused with a reason, acknowledged, or answered in words`, async () => {
    const payload = fc.oneof(
      { weight: 4, arbitrary: button.map((id) => blockAction(id, '1700000000.000100')) },
      { weight: 4, arbitrary: button.chain((id) => mutatedJson(blockAction(id, '1700000000.000100'))) },
      { weight: 1, arbitrary: anyJson },
    );
    const seen = new Set<string>();
    await fc.assert(
      fc.asyncProperty(payload, async (raw) => {
        const responseUrl = `${HOOKS}/actions/fuzz/${next()}`;
        const sent = raw !== null && typeof raw === 'object' && !Array.isArray(raw) && 'response_url' in raw ? { ...raw, response_url: responseUrl } : raw;
        const answer = await answerOf(await postSigned(chat.triage.url, actionBody(sent)));
        const context = JSON.stringify(sent);
        if (answer.status !== 200) return expectRefusal(answer, context);
        const parsed = BlockAction.safeParse(sent);
        if (!parsed.success) return;
        // Slack's redelivery of one click (same user, action_ts and action id) is answered once.
        const { user, team, actions } = parsed.data;
        const key = `${team?.id ?? user.team_id ?? '-'}:${user.id}:${actions[0]!.action_ts}:${actions[0]!.action_id}`;
        const hook = await waitFor(() => chat.slack.hooks.find((h) => h.url === responseUrl), seen.has(key) ? 200 : 5_000);
        if (!seen.has(key)) {
          expect(hook, `${context}: acknowledged, then answered at response_url`).toBeDefined();
          expectWords(hook!.body.text, context);
        }
        seen.add(key);
      }),
      { numRuns: ROUTE_RUNS },
    );
  }, 120_000);

  it(`POST /discord/interactions: ${ROUTE_RUNS} signed bodies are refused with a reason, or acknowledged and answered in words`, async () => {
    const nearValid = fc.constantFrom(...VALID_INTERACTIONS.slice(1)).chain((i) => mutatedJson(i));
    const withCommand = fc.tuple(commandLine, fc.constantFrom(...VALID_INTERACTIONS.slice(1, 2))).map(([[name, text], i]) => ({ ...i, data: { name: name.slice(1), options: [{ name: 'text', type: 3, value: text }] } }));
    // "?" asks first, "yes:" and "no:" answer a question (adapters/discord/confirm.ts): forged ones
    // too. A question about a button that parses is stored by design, so only forged ones ask.
    const customId = fc
      .tuple(fc.constantFrom('', '', '?', 'yes:', 'no:'), button)
      .map(([prefix, id]) => prefix + id)
      .filter((id) => !(id.startsWith('?') && parseActionId(id.slice(1)).ok));
    const withButton = fc.tuple(customId, fc.constantFrom(...VALID_INTERACTIONS.slice(3))).map(([id, i]) => ({ ...i, data: { custom_id: id, component_type: 2 } }));
    const body = fc.oneof({ weight: 3, arbitrary: nearValid }, { weight: 2, arbitrary: withCommand }, { weight: 2, arbitrary: withButton }, { weight: 1, arbitrary: anyJson });
    await fc.assert(
      fc.asyncProperty(body, fc.nat({ max: 19 }), async (interaction, garble) => {
        // What a mutation may have turned into something that acts is left out, as generated ones are.
        const data = (interaction as { data?: { name?: unknown; options?: Array<{ value?: unknown }>; custom_id?: unknown } } | null)?.data;
        if (typeof data?.name === 'string') fc.pre(!commandActs(`/${data.name}`, typeof data.options?.[0]?.value === 'string' ? data.options[0].value : ''));
        if (typeof data?.custom_id === 'string') fc.pre(!(data.custom_id.startsWith('?') && parseActionId(data.custom_id.slice(1)).ok));
        // Each interaction its own id and token: Discord never sends one twice, and the token is where its answer goes.
        const n = next();
        const unique = interaction !== null && typeof interaction === 'object' && !Array.isArray(interaction) ? { ...interaction, id: String(1_650_000_000_000_000_000n + BigInt(n)), token: `fuzz-${n}` } : interaction;
        const raw = garble === 0 ? `${JSON.stringify(unique)}}` : (JSON.stringify(unique) ?? '');
        const answer = await answerOf(await postDiscord(chat.triage.url, chat.discordKey, raw));
        if (answer.status !== 200) return expectRefusal(answer, raw);
        const type = (answer.json as { type?: number }).type;
        if (type === 1) return;
        if (type !== 5 && type !== 6) return expectWords((answer.json as { data?: { content?: string } }).data?.content, raw);
        const followUp = await waitFor(() => chat.webhooks.find((w) => w.token === `fuzz-${n}`));
        expect(followUp, `${raw}: acknowledged, then answered through its webhook`).toBeDefined();
        expectWords(followUp!.body.content, raw);
      }),
      { numRuns: ROUTE_RUNS },
    );
  }, 120_000);

  const post = (path: string, raw: string, headers: Record<string, string> = {}) =>
    fetch(chat.triage.url + path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: raw });

  it(`POST /console/api/command: ${ROUTE_RUNS} bodies are refused with a reason, or answered privately in words`, async () => {
    const valid = fc.tuple(commandLine, fc.constantFrom('mike', 'priya')).map(([[name, text], personId]) => ({ text: `${name} ${text}`, personId, channel: 'ops' }));
    const raw = fc.oneof({ weight: 3, arbitrary: valid.map((b) => JSON.stringify(b)) }, { weight: 3, arbitrary: valid.chain((b) => bodyNear(b)) });
    await fc.assert(
      fc.asyncProperty(raw, async (body) => {
        let sent: { text?: unknown } | undefined;
        try {
          sent = JSON.parse(body) as { text?: unknown };
        } catch {
          sent = undefined;
        }
        // A mutation that turned an acting command line back on is left out, as generated ones are.
        if (typeof sent?.text === 'string') {
          const [, name = '', rest = ''] = /^\s*(\S*)\s*([\s\S]*)$/.exec(sent.text) ?? [];
          fc.pre(!commandActs(name, rest));
        }
        const answer = await answerOf(await post('/console/api/command', body));
        if (answer.status !== 200) return expectRefusal(answer, body);
        const { reply } = answer.json as { reply: { visibility: string; text: string } };
        expectWords(reply.text, body);
        expect(reply.visibility, body).toBe('private');
      }),
      { numRuns: ROUTE_RUNS },
    );
  }, 120_000);

  it(`POST /console/api/click: ${ROUTE_RUNS} bodies are refused with a reason, or answered in words`, async () => {
    const valid = fc.record({ actionId: fc.oneof(fc.constantFrom(...HARMLESS_BUTTONS), button), personId: fc.constantFrom('mike', 'priya'), channel: fc.constant('ops'), messageId: fc.constant(cardMessage) });
    const raw = fc.oneof({ weight: 3, arbitrary: valid.map((b) => JSON.stringify(b)) }, { weight: 3, arbitrary: valid.chain((b) => bodyNear(b)) });
    await fc.assert(
      fc.asyncProperty(raw, async (body) => {
        const answer = await answerOf(await post('/console/api/click', body));
        if (answer.status !== 200) return expectRefusal(answer, body);
        expectWords((answer.json as { reply: { text: string } }).reply.text, body);
      }),
      { numRuns: ROUTE_RUNS },
    );
  }, 120_000);

  it('wrote nothing for any of them', async () => {
    expect(changed(before, await rowCounts(chat.triage.database))).toEqual({});
  });
});
