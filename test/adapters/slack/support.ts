import { createHmac } from 'node:crypto';
import { http, HttpResponse, passthrough } from 'msw';
import { setupServer } from 'msw/node';
import { SlackConfig } from '../../../src/config.js';
import { checkSlackPayload } from '../../support/block-kit.js';

/**
 * Slack's far side for adapter tests: msw answers the Web API and response_url like Slack
 * does and records every call; anything else leaving the process fails the test. Requests to
 * 127.0.0.1 (our own Triage, where signed requests go) pass through.
 */
export const SLACK_API = 'https://slack.test/api/';
export const HOOKS = 'https://hooks.slack.test';
export const SECRET = 'test-signing-secret-0123456789';
export const OPS_CHANNEL = 'C0OPS12345';

export const slackConfig = (overrides: Partial<SlackConfig> = {}): SlackConfig =>
  SlackConfig.parse({ botToken: 'xoxb-test-token', signingSecret: SECRET, apiUrl: SLACK_API, channel: OPS_CHANNEL, ...overrides });

export type ApiCall = { method: string; body: Record<string, unknown>; at: number; response?: Record<string, unknown> };
export type HookCall = { url: string; body: Record<string, unknown>; at: number };
/** Return a Response to answer a Web API call yourself; undefined for Slack's normal answer. */
export type Behaviour = (call: ApiCall) => Response | undefined;
/**
 * Checks every payload Triage sends to Slack (Web API bodies and response_url bodies) and
 * returns what is wrong with it; a non-empty answer makes Slack refuse it (`invalid_blocks`)
 * and is kept in `refused`, so a test sees the payload Slack would not have shown.
 */
export type PayloadCheck = (method: string, body: Record<string, unknown>) => string[];

/** A member as users.info returns it: the names Slack shows for a person. */
export type SlackMember = { id: string; name: string; display_name?: string; real_name?: string; deleted?: boolean; is_bot?: boolean };

/** Who the test workspace has: users.info answers from this list, user_not_found otherwise. */
export const MEMBERS: SlackMember[] = [
  { id: 'U0PRIYA', name: 'priya', display_name: 'Priya', real_name: 'Priya Raman' },
  { id: 'U0JAMES', name: 'james', display_name: '', real_name: 'James Okafor' },
  { id: 'U0ELENA', name: 'elena', display_name: 'Elena (on-call)', real_name: 'Elena Petrova' },
  { id: 'U0MIKE', name: 'mike', display_name: 'mike', real_name: 'Mike Chen' },
];

/**
 * By default every payload is checked against Slack's published Block Kit limits
 * (test/support/block-kit.ts), so any Slack test that posts a card fails on one Slack would refuse;
 * `check: () => []` turns that off for a test that sends something else on purpose.
 */
export function createSlackFarSide(options: { check?: PayloadCheck; members?: SlackMember[] } = {}) {
  const api: ApiCall[] = [];
  const hooks: HookCall[] = [];
  const refused: { method: string; problems: string[] }[] = [];
  let behaviour: Behaviour | undefined;
  const members = options.members ?? MEMBERS;
  const check = options.check ?? checkSlackPayload;
  const checked = (method: string, body: Record<string, unknown>): string[] => {
    const problems = check(method, body);
    if (problems.length) refused.push({ method, problems });
    return problems;
  };

  const server = setupServer(
    // A RegExp: msw's path syntax cannot express "any port" ('http://127.0.0.1:*' fails to parse).
    http.all(/^http:\/\/127\.0\.0\.1:\d+\//, () => passthrough()),
    http.post(`${SLACK_API}:method`, async ({ request, params }) => {
      const call: ApiCall = { method: String(params.method), body: readForm(await request.text()), at: Date.now() };
      api.push(call);
      const custom = behaviour?.(call);
      if (custom) return custom;
      const problems = checked(call.method, call.body);
      call.response = problems.length ? { ok: false, error: 'invalid_blocks', errors: problems } : answer(call, members);
      return HttpResponse.json(call.response);
    }),
    http.post(`${HOOKS}/*`, async ({ request }) => {
      const body = (await request.json()) as Record<string, unknown>;
      hooks.push({ url: request.url, body, at: Date.now() });
      // response_url answers 'invalid_blocks' as a plain-text 400, as Slack does.
      if (checked('response_url', body).length) return new HttpResponse('invalid_blocks', { status: 400 });
      return new HttpResponse('ok');
    }),
  );

  return {
    server,
    api,
    hooks,
    calls: (method: string) => api.filter((c) => c.method === method),
    /** Payloads the check refused: a test that sends cards expects this to stay empty. */
    refused,
    /**
     * Throws, naming each refused payload and its problems, if Slack would have refused anything
     * since the last reset: call it in an afterEach (before reset) so no test passes on a card Slack
     * would not show.
     */
    assertAccepted: () => assertAccepted(refused),
    behave: (b: Behaviour | undefined) => void (behaviour = b),
    listen: () => server.listen({ onUnhandledRequest: 'error' }),
    close: () => server.close(),
    reset: () => {
      api.length = 0;
      hooks.length = 0;
      refused.length = 0;
      behaviour = undefined;
    },
  };
}
export type SlackFarSide = ReturnType<typeof createSlackFarSide>;

function assertAccepted(refused: readonly { method: string; problems: string[] }[]): void {
  if (refused.length === 0) return;
  const lines = refused.map((r) => `${r.method}:\n  ${r.problems.join('\n  ')}`);
  throw new Error(`Slack would have refused ${refused.length} payload(s) (invalid_blocks):\n${lines.join('\n')}`);
}

/** What Slack answers a successful call with (the fields Triage reads, and a few more). */
let ts = 1_700_000_000;
function answer(call: ApiCall, members: readonly SlackMember[]): Record<string, unknown> {
  const channel = String(call.body.channel ?? '');
  if (call.method === 'chat.postMessage') return { ok: true, channel, ts: `${++ts}.000100`, message: { text: call.body.text } };
  if (call.method === 'chat.update') return { ok: true, channel, ts: call.body.ts, text: call.body.text };
  if (call.method === 'chat.postEphemeral') return { ok: true, message_ts: `${++ts}.000200` };
  if (call.method === 'users.info') {
    const member = members.find((m) => m.id === call.body.user);
    if (!member) return { ok: false, error: 'user_not_found' };
    const { display_name = '', real_name = '', ...rest } = member;
    return { ok: true, user: { ...rest, team_id: 'T0TEAM', real_name, profile: { display_name, real_name } } };
  }
  if (call.method === 'views.publish') return { ok: true, view: { id: `V${++ts}`, type: 'home', ...(call.body.view as object) } };
  return { ok: false, error: 'unknown_method' };
}

/** The Web API sends form fields with objects as JSON strings; tests compare the objects. */
function readForm(text: string): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(text)) {
    body[key] = key === 'blocks' || key === 'attachments' || key === 'metadata' || key === 'view' ? JSON.parse(value) : value;
  }
  return body;
}

export const nowSeconds = (): number => Math.floor(Date.now() / 1000);

/** `v0=` + HMAC-SHA256(secret, `v0:${timestamp}:${rawBody}`): what Slack sends and Bolt checks. */
export const sign = (rawBody: string, timestamp: number, secret = SECRET): string =>
  `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${rawBody}`).digest('hex')}`;

export type SignedOptions = { timestamp?: number; secret?: string; signature?: string; headers?: Record<string, string> };

/** POSTs a form body to Triage's /slack/events the way Slack does. */
export function postSigned(baseUrl: string, rawBody: string, options: SignedOptions = {}): Promise<Response> {
  const timestamp = options.timestamp ?? nowSeconds();
  return fetch(`${baseUrl}/slack/events`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': options.signature ?? sign(rawBody, timestamp, options.secret),
      ...options.headers,
    },
    body: rawBody,
  });
}

let trigger = 0;
export function commandBody(command: string, text: string, overrides: Record<string, string> = {}): string {
  return new URLSearchParams({
    token: 'deprecated-verification-token',
    team_id: 'T0TEAM',
    team_domain: 'acme',
    channel_id: OPS_CHANNEL,
    channel_name: 'ops',
    user_id: 'U0PRIYA',
    user_name: 'priya',
    command,
    text,
    api_app_id: 'A0TRIAGE',
    response_url: `${HOOKS}/commands/T0TEAM/1/${++trigger}`,
    trigger_id: `1337.${Date.now()}.${trigger}`,
    ...overrides,
  }).toString();
}

let actionSeq = 0;
const userName = (id = 'U0JAMES'): string => id.replace(/^U0/, '').toLowerCase();
/** A block_actions payload for a button on a message in the ops channel. */
export function blockAction(actionId: string, messageTs: string, options: { actionTs?: string; user?: string; channel?: string } = {}) {
  const channel = options.channel ?? OPS_CHANNEL;
  return {
    type: 'block_actions',
    team: { id: 'T0TEAM', domain: 'acme' },
    // U0ELENA clicks as "elena": the name Slack sends is what cards and the audit show.
    user: { id: options.user ?? 'U0JAMES', username: userName(options.user), name: userName(options.user), team_id: 'T0TEAM' },
    api_app_id: 'A0TRIAGE',
    token: 'deprecated-verification-token',
    trigger_id: `1338.${++actionSeq}`,
    container: { type: 'message', message_ts: messageTs, channel_id: channel, is_ephemeral: false },
    channel: { id: channel, name: 'ops' },
    message: { type: 'message', ts: messageTs, text: 'card' },
    response_url: `${HOOKS}/actions/T0TEAM/2/${actionSeq}`,
    actions: [{ type: 'button', action_id: actionId, block_id: 'actions', text: { type: 'plain_text', text: 'Dismiss' }, action_ts: options.actionTs ?? `${nowSeconds()}.${actionSeq}` }],
  };
}

export const actionBody = (payload: unknown): string => new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
