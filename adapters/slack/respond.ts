import http, { type ClientRequest, type IncomingMessage } from 'node:http';
import https from 'node:https';

/** What Triage says through a response_url: Slack's message shape for it. */
export type SlackResponse = {
  response_type?: 'ephemeral' | 'in_channel';
  replace_original?: boolean;
  text: string;
  blocks?: unknown[];
};

/** Posts one message to the response_url it was made for. Rejects with a RespondFailed. */
export type Respond = (message: SlackResponse) => Promise<void>;

/**
 * A response_url post that did not land. The message never holds the URL: a response_url is a
 * capability (anyone holding it may post into the channel for 30 minutes), so it stays out of
 * logs like a token does.
 */
export class RespondFailed extends Error {
  constructor(
    readonly reason: string,
    readonly status?: number,
  ) {
    super(`Slack's response_url did not take the answer: ${reason}`);
    this.name = 'RespondFailed';
  }
}

export type ResponderOptions = {
  /** Per try: past this the try is abandoned and not repeated (Slack may have taken it). */
  timeoutMs?: number;
  attempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
};

export type Responder = { to(responseUrl: string | undefined): Respond; close(): void };

/** Errors that mean the request never reached Slack, so sending it again cannot post twice. */
const NEVER_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);
const MAX_RETRY_AFTER_MS = 5_000;

/**
 * Answers through response_url with node:http on keep-alive agents. Bolt's own `respond` uses
 * the global fetch with no timeout: a response_url that hangs held a post-ack slot forever, and
 * fetch's WHATWG streams cost the ack path measurably under load (bench/ack). Retries are bounded,
 * jittered, and only where Slack cannot have taken the message: a connection that never opened,
 * a kept-alive socket the far side had already closed, or a 429 (Slack refused it; Retry-After
 * says when to come back). A timeout or a 5xx is not retried: the message may be in the channel.
 */
export function createResponder(options: ResponderOptions = {}): Responder {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const attempts = options.attempts ?? 3;
  const baseDelayMs = options.baseDelayMs ?? 250;
  const maxDelayMs = options.maxDelayMs ?? 2_000;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const random = options.random ?? Math.random;
  const agents = { http: new http.Agent({ keepAlive: true, maxSockets: 16 }), https: new https.Agent({ keepAlive: true, maxSockets: 16 }) };

  const post = async (url: URL, body: string): Promise<void> => {
    for (let attempt = 1; ; attempt++) {
      const outcome = await postOnce(url, body, timeoutMs, url.protocol === 'https:' ? agents.https : agents.http);
      if (outcome.ok) return;
      if (!outcome.retry || attempt >= attempts) throw outcome.error;
      const backoff = random() * Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
      await sleep(Math.max(backoff, outcome.retryAfterMs ?? 0));
    }
  };

  return {
    to: (responseUrl) => async (message) => {
      if (!responseUrl) throw new RespondFailed('this request carried no response_url to answer through');
      let url: URL;
      try {
        url = new URL(responseUrl);
      } catch {
        throw new RespondFailed('the response_url is not a URL');
      }
      await post(url, JSON.stringify(message));
    },
    close: () => {
      agents.http.destroy();
      agents.https.destroy();
    },
  };
}

type Outcome = { ok: true } | { ok: false; error: RespondFailed; retry: boolean; retryAfterMs?: number };

function postOnce(url: URL, body: string, timeoutMs: number, agent: http.Agent): Promise<Outcome> {
  return new Promise((resolve) => {
    let settled = false;
    const settle = (outcome: Outcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(outcome);
    };
    // Looked up on the module at call time, not bound at import: interceptors (msw in tests, APM
    // agents in production) patch the module's property.
    const send = url.protocol === 'https:' ? https.request : http.request;
    const req: ClientRequest = send(
      url,
      { method: 'POST', agent, headers: { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) } },
      (res) => readAnswer(res).then(settle),
    );
    const timer = setTimeout(() => {
      settle({ ok: false, error: new RespondFailed(`no answer within ${timeoutMs} ms`), retry: false });
      req.destroy();
    }, timeoutMs);
    req.on('error', (error: NodeJS.ErrnoException) => {
      const code = error.code ?? error.message;
      // Node's advice for keep-alive: a reset on a reused socket is the server's idle close racing us.
      const retry = NEVER_SENT.has(code) || (code === 'ECONNRESET' && req.reusedSocket);
      settle({ ok: false, error: new RespondFailed(`could not reach Slack (${code})`), retry });
    });
    req.end(body);
  });
}

/** Slack answers `ok` or a short reason such as `expired_url`, `used_url` or `no_text`. */
function readAnswer(res: IncomingMessage): Promise<Outcome> {
  return new Promise((resolve) => {
    let text = '';
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => (text.length < 500 ? (text += chunk) : undefined));
    res.on('error', () => resolve({ ok: false, error: new RespondFailed('the answer was cut off', res.statusCode), retry: false }));
    res.on('end', () => {
      const status = res.statusCode ?? 0;
      if (status >= 200 && status < 300 && !/"ok"\s*:\s*false/.test(text)) return resolve({ ok: true });
      const reason = `${status} ${summarise(text)}`.trim();
      if (status === 429) return resolve({ ok: false, error: new RespondFailed(reason, status), retry: true, retryAfterMs: retryAfterMs(res.headers['retry-after']) });
      resolve({ ok: false, error: new RespondFailed(reason, status), retry: false });
    });
  });
}

function summarise(text: string): string {
  try {
    const parsed = JSON.parse(text) as { error?: unknown };
    if (typeof parsed.error === 'string') return parsed.error.slice(0, 100);
  } catch {
    // Slack's response_url answers in plain text as often as in JSON.
  }
  return text.replace(/\s+/g, ' ').slice(0, 100);
}

function retryAfterMs(header: string | string[] | undefined): number {
  const seconds = Number(Array.isArray(header) ? header[0] : header);
  return Number.isFinite(seconds) && seconds > 0 ? Math.min(seconds * 1000, MAX_RETRY_AFTER_MS) : 0;
}
