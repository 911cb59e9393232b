import { createHmac, randomBytes } from 'node:crypto';
import { Agent, request } from 'node:http';

export type SlashTarget = {
  /** Full URL of the Events endpoint, e.g. http://127.0.0.1:1234/slack/events. */
  url: string;
  signingSecret: string;
  /** Where the command's response_url points (the fake Slack), per request id. */
  responseUrl(id: string): string;
};

/** What a person typed: the command (`/triage`, `/doctor`) and the text after it. */
export type Slash = { command: string; text: string };

export type AckFigures = {
  sent: number;
  ok: number;
  errors: number;
  /** 200s whose body said Triage was busy: told so in the ack, so no later answer is owed. */
  busy: number;
  /** Status codes and failure reasons other than 200, with how often each happened. */
  errorKinds: Record<string, number>;
  p50: number;
  p99: number;
  max: number;
  /** 200s per second of the measured window. */
  perSecond: number;
  ms: number;
  /** Every request's latency, ascending: windows of several rounds are pooled from these. */
  latencies: number[];
};

const runId = randomBytes(3).toString('hex');
let sequence = 0;

/**
 * A `/<command> <text>` slash command as Slack sends it: a form-encoded body with these fields in
 * this order, signed with `v0=` + HMAC-SHA256(secret, `v0:${ts}:${body}`). Each trigger_id is new,
 * as a real invocation's is, so Triage's redelivery check never skips one.
 */
export function signedSlashCommand(target: SlashTarget, { command, text }: Slash, nowSeconds = Math.floor(Date.now() / 1000)) {
  const n = ++sequence;
  const body = new URLSearchParams({
    token: 'bench-verification-token',
    team_id: 'TBENCH',
    team_domain: 'bench',
    channel_id: 'C0BENCH',
    channel_name: 'ops',
    user_id: `UBENCH${n % 50}`,
    user_name: `bench-user-${n % 50}`,
    command,
    text,
    api_app_id: 'ABENCH',
    response_url: target.responseUrl(`${runId}-${n}`),
    trigger_id: `${n}.${runId}.${randomBytes(8).toString('hex')}`,
  }).toString();
  const ts = String(nowSeconds);
  const signature = `v0=${createHmac('sha256', target.signingSecret).update(`v0:${ts}:${body}`).digest('hex')}`;
  return {
    body,
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'content-length': String(Buffer.byteLength(body)),
      'x-slack-request-timestamp': ts,
      'x-slack-signature': signature,
    },
  };
}

/** One signed POST; resolves the status (or the failure) and the time to the complete response. */
export function postSigned(target: SlashTarget, slash: Slash, timeoutMs: number, agent?: Agent): Promise<{ status: number | string; ms: number; body: string }> {
  const { body, headers } = signedSlashCommand(target, slash);
  const started = performance.now();
  return new Promise((resolve) => {
    let settled = false;
    const done = (status: number | string, answer = '') => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ status, ms: performance.now() - started, body: answer });
    };
    const req = request(target.url, { method: 'POST', headers, agent }, (res) => {
      let answer = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (answer.length < 2_000 ? (answer += chunk) : undefined));
      res.on('end', () => done(res.statusCode ?? 0, answer));
      res.on('error', (error) => done(error.message));
    });
    const timer = setTimeout(() => {
      done('timeout');
      req.destroy();
    }, timeoutMs);
    req.on('error', (error) => done((error as NodeJS.ErrnoException).code ?? error.message));
    req.end(body);
  });
}

/**
 * `concurrency` workers each send one command after another for `durationMs`; requests still in
 * flight at the end are waited for (each is bounded by `timeoutMs`). Latency is time to the whole
 * HTTP response, for every request: a timeout counts at its full timeout, so it cannot flatter the
 * percentiles. node:http with a keep-alive agent, not fetch, to keep the generator's own CPU low.
 */
export async function runAckLoad(
  target: SlashTarget,
  options: { concurrency: number; durationMs: number; timeoutMs: number; slash: Slash },
): Promise<AckFigures> {
  const agent = new Agent({ keepAlive: true, maxSockets: options.concurrency });
  const latencies: number[] = [];
  const errorKinds: Record<string, number> = {};
  let ok = 0;
  let busy = 0;
  const started = performance.now();
  const until = started + options.durationMs;
  const worker = async () => {
    while (performance.now() < until) {
      const result = await postSigned(target, options.slash, options.timeoutMs, agent);
      latencies.push(result.ms);
      if (result.status === 200) {
        ok++;
        if (result.body.includes('busy')) busy++;
      } else {
        const kind = typeof result.status === 'number' ? `HTTP ${result.status}` : result.status;
        errorKinds[kind] = (errorKinds[kind] ?? 0) + 1;
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: options.concurrency }, worker));
  } finally {
    agent.destroy();
  }
  return summarise(latencies, { ok, busy, errorKinds, ms: performance.now() - started });
}

function summarise(latencies: number[], counts: { ok: number; busy: number; errorKinds: Record<string, number>; ms: number }): AckFigures {
  latencies.sort((a, b) => a - b);
  return {
    sent: latencies.length,
    ok: counts.ok,
    errors: latencies.length - counts.ok,
    busy: counts.busy,
    errorKinds: counts.errorKinds,
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
    max: latencies[latencies.length - 1] ?? NaN,
    perSecond: (counts.ok * 1000) / counts.ms,
    ms: counts.ms,
    latencies,
  };
}

/** Several windows of one target as one: every request's latency counts once, over their summed time. */
export function pooled(windows: readonly AckFigures[]): AckFigures {
  const errorKinds: Record<string, number> = {};
  for (const w of windows) for (const [kind, n] of Object.entries(w.errorKinds)) errorKinds[kind] = (errorKinds[kind] ?? 0) + n;
  const sum = (pick: (w: AckFigures) => number) => windows.reduce((total, w) => total + pick(w), 0);
  return summarise(
    windows.flatMap((w) => w.latencies),
    { ok: sum((w) => w.ok), busy: sum((w) => w.busy), errorKinds, ms: sum((w) => w.ms) },
  );
}

/** Nearest-rank percentile of an ascending array. */
function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!;
}
