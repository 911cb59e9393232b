import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Slack's Web API as a real HTTP server on 127.0.0.1, for Triage running as its own process
 * (msw only sees requests made inside the test's process): SLACK_API_URL points at `apiUrl`.
 * It answers chat.postMessage, chat.update, chat.postEphemeral and auth.test as Slack does, takes
 * response_url posts under `hooksUrl`, and records every message it accepted.
 *
 * `outage()` makes it Slack on a bad day: every call is refused, in turn, with 429 (Retry-After)
 * and 5xx, and nothing is accepted until `recover()`. `holdNextPost()` accepts the next post and
 * keeps its answer back, so a test can kill Triage while a message Slack took is in flight.
 *
 * The bot token (the Authorization header) is never recorded. Shared by the fault tests and
 * bench/faults/.
 */
export type Block = {
  type: string;
  text?: { text: string };
  elements?: Array<{ type: string; text?: string | { text: string }; action_id?: string }>;
};

/** A message Slack took: a post (with the ts Slack gave it) or an update (of the ts it edited). */
export type Accepted = {
  method: 'chat.postMessage' | 'chat.update';
  channel: string;
  ts: string;
  threadTs?: string;
  text: string;
  blocks: Block[];
  at: number;
};

export type Refusal = { method: string; status: number; at: number };

/** Answered in turn, one per call, while Slack is out: half 429s, half 5xx. */
export const OUTAGE_STATUSES = [429, 503, 429, 500, 429, 502] as const;

export type SlackFarSide = {
  apiUrl: string;
  hooksUrl: string;
  accepted: Accepted[];
  refusals: Refusal[];
  /** What Triage answered through response_url (a click's private reply). */
  hooks: Array<{ path: string; body: Record<string, unknown>; at: number }>;
  posts(): Accepted[];
  updates(): Accepted[];
  outage(retryAfterS: number): void;
  recover(): void;
  /** The next post is accepted and recorded; its answer waits for `release()`. */
  holdNextPost(): { accepted: Promise<Accepted>; release(): void };
  close(): Promise<void>;
};

export async function startSlackFarSide(): Promise<SlackFarSide> {
  const accepted: Accepted[] = [];
  const refusals: Refusal[] = [];
  const hooks: SlackFarSide['hooks'] = [];
  let retryAfterS: number | undefined;
  let turn = 0;
  let seq = 0;
  let hold: { resolve(post: Accepted): void; released: Promise<void> } | undefined;

  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void =>
    void res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const path = new URL(req.url ?? '/', 'http://slack.test').pathname;
    if (path.startsWith('/hooks/')) {
      hooks.push({ path, body: JSON.parse(raw || '{}') as Record<string, unknown>, at: Date.now() });
      return void res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    }
    const method = path.replace(/^\/api\//, '');
    if (retryAfterS !== undefined) {
      const status = OUTAGE_STATUSES[turn++ % OUTAGE_STATUSES.length]!;
      refusals.push({ method, status, at: Date.now() });
      // Slack's own shapes: a 429 with Retry-After in seconds; a 5xx from its edge.
      if (status === 429) return json(res, 429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(retryAfterS) });
      return json(res, status, { ok: false, error: 'service_unavailable' });
    }
    const body = readBody(raw, String(req.headers['content-type'] ?? ''));
    const channel = String(body.channel ?? '');
    const message = (method: Accepted['method'], ts: string): Accepted => ({
      method,
      channel,
      ts,
      ...(body.thread_ts ? { threadTs: String(body.thread_ts) } : {}),
      text: String(body.text ?? ''),
      blocks: (body.blocks ?? []) as Block[],
      at: Date.now(),
    });
    switch (method) {
      case 'auth.test':
        return json(res, 200, { ok: true, url: 'https://faults.slack.test/', team: 'faults', user: 'triage', team_id: 'T0FAULTS', user_id: 'U0TRIAGE', bot_id: 'B0TRIAGE' });
      case 'chat.postMessage': {
        const posted = message(method, `${Math.floor(Date.now() / 1000)}.${String(++seq).padStart(6, '0')}`);
        accepted.push(posted);
        const held = hold;
        hold = undefined;
        if (held) {
          held.resolve(posted);
          await held.released;
        }
        return json(res, 200, { ok: true, channel, ts: posted.ts, message: { text: posted.text } });
      }
      case 'chat.update': {
        const updated = message(method, String(body.ts ?? ''));
        accepted.push(updated);
        return json(res, 200, { ok: true, channel, ts: updated.ts, text: updated.text });
      }
      case 'chat.postEphemeral':
        return json(res, 200, { ok: true, message_ts: `${Math.floor(Date.now() / 1000)}.${String(++seq).padStart(6, '0')}` });
      default:
        return json(res, 200, { ok: false, error: 'unknown_method' });
    }
  }

  const server = createServer((req, res) => void handle(req, res).catch(() => res.destroy()));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    apiUrl: `${base}/api/`,
    hooksUrl: `${base}/hooks`,
    accepted,
    refusals,
    hooks,
    posts: () => accepted.filter((a) => a.method === 'chat.postMessage'),
    updates: () => accepted.filter((a) => a.method === 'chat.update'),
    outage: (seconds) => {
      turn = 0;
      retryAfterS = seconds;
    },
    recover: () => void (retryAfterS = undefined),
    holdNextPost: () => {
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      const post = new Promise<Accepted>((resolve) => (hold = { resolve, released }));
      return { accepted: post, release };
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The Web API sends form fields, with objects as JSON strings. */
function readBody(raw: string, contentType: string): Record<string, unknown> {
  if (contentType.includes('application/json')) return raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
  const body: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    body[key] = key === 'blocks' || key === 'attachments' || key === 'metadata' ? (JSON.parse(value) as unknown) : value;
  }
  return body;
}

export const titleOf = (message: Pick<Accepted, 'blocks'>): string => message.blocks.find((b) => b.type === 'header')?.text?.text ?? '';

export const buttonId = (message: Pick<Accepted, 'blocks'>, label: RegExp): string | undefined =>
  message.blocks
    .flatMap((b) => (b.type === 'actions' ? (b.elements ?? []) : []))
    .find((e) => typeof e.text === 'object' && label.test(e.text.text))?.action_id;

/**
 * A button press as Slack delivers it to Triage: a signed block_actions form POST to
 * /slack/events (`v0=` + HMAC-SHA256 of `v0:<timestamp>:<body>`), answered at `responseUrl`.
 * `retry` is Slack's redelivery header (x-slack-retry-num).
 */
export function pressButton(
  triageUrl: string,
  press: { secret: string; actionId: string; message: Accepted; user: string; actionTs: string; responseUrl: string; retry?: number },
): Promise<Response> {
  const payload = {
    type: 'block_actions',
    team: { id: 'T0FAULTS', domain: 'faults' },
    user: { id: press.user, username: press.user.toLowerCase(), name: press.user.toLowerCase(), team_id: 'T0FAULTS' },
    api_app_id: 'A0TRIAGE',
    token: 'deprecated-verification-token',
    trigger_id: `1338.${press.actionTs}`,
    container: { type: 'message', message_ts: press.message.ts, channel_id: press.message.channel, is_ephemeral: false },
    channel: { id: press.message.channel, name: 'ops' },
    message: { type: 'message', ts: press.message.ts, text: press.message.text },
    response_url: press.responseUrl,
    actions: [{ type: 'button', action_id: press.actionId, block_id: 'actions', text: { type: 'plain_text', text: 'Restart' }, action_ts: press.actionTs }],
  };
  const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
  const timestamp = Math.floor(Date.now() / 1000);
  const signature = `v0=${createHmac('sha256', press.secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
  return fetch(`${triageUrl}/slack/events`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': signature,
      ...(press.retry ? { 'x-slack-retry-num': String(press.retry), 'x-slack-retry-reason': 'http_timeout' } : {}),
    },
    body,
    signal: AbortSignal.timeout(10_000),
  });
}
