import { generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { Agent, request } from 'node:http';
import { loadavg } from 'node:os';
import { BUSY } from '../../src/chat/answers.js';
import { pooled, type AckFigures } from './ack-load.js';
import { figures } from './ack-report.js';
import type { LoadShape, Window } from './ack-rounds.js';

/** Discord's signing key pair for one run, and the public key as the Developer Portal shows it. */
export type SigningKeys = { privateKey: KeyObject; publicKeyHex: string };

export function signingKeys(): SigningKeys {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return { privateKey, publicKeyHex: Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url').toString('hex') };
}

export const BENCH_IDS = { application: '1100000000000000001', guild: '1200000000000000002', channel: '1300000000000000003' };

/** What a person did: a slash command with its text, or a click on a button of a card. */
export type Interacted = { kind: 'command'; name: string; text: string } | { kind: 'button'; customId: string; messageId: string };

/** Where interactions go: the full URL of the endpoint and the key Discord signs with. */
export type InteractionTarget = { url: string; privateKey: KeyObject };

const runId = randomBytes(3).toString('hex');
// Ids unique across runs on one database too, so Triage's redelivery check never skips one.
const idBase = BigInt(Date.now()) * 1_000_000n;
let sequence = 0;

/**
 * An interaction as Discord sends it, from a member of the bench's server in its ops channel,
 * each with a new id and token as a real one has; signed with Ed25519 over timestamp + raw body.
 */
export function signedInteraction(key: KeyObject, what: Interacted, nowSeconds = Math.floor(Date.now() / 1000)) {
  const n = ++sequence;
  const common = {
    id: String(idBase + BigInt(n)),
    application_id: BENCH_IDS.application,
    token: `bench-${runId}-${n}-${randomBytes(8).toString('hex')}`,
    guild_id: BENCH_IDS.guild,
    channel_id: BENCH_IDS.channel,
    member: { user: { id: String(1_500_000_000_000_000_000n + BigInt(n % 50)), username: `bench-user-${n % 50}`, global_name: null }, roles: [] },
  };
  const body = JSON.stringify(
    what.kind === 'command'
      ? { ...common, type: 2, data: { id: '1', name: what.name, type: 1, ...(what.text ? { options: [{ name: 'text', type: 3, value: what.text }] } : {}) } }
      : { ...common, type: 3, data: { custom_id: what.customId, component_type: 2 }, message: { id: what.messageId, channel_id: BENCH_IDS.channel } },
  );
  const timestamp = String(nowSeconds);
  return {
    body,
    headers: {
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(body)),
      'x-signature-ed25519': sign(null, Buffer.from(timestamp + body), key).toString('hex'),
      'x-signature-timestamp': timestamp,
    },
  };
}

/** One signed POST; resolves the status (or the failure) and the time to the complete response. */
export function postInteraction(target: InteractionTarget, what: Interacted, timeoutMs: number, agent?: Agent): Promise<{ status: number | string; ms: number; body: string }> {
  const { body, headers } = signedInteraction(target.privateKey, what);
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
 * As bench/support/ack-load.ts's runAckLoad, for Discord: `concurrency` workers each send one
 * interaction after another for `durationMs`, latency to the whole response for every request
 * (a timeout counts at its full timeout), node:http with a keep-alive agent.
 */
export async function runInteractionLoad(target: InteractionTarget, options: { concurrency: number; durationMs: number; timeoutMs: number; what: Interacted }): Promise<AckFigures> {
  const agent = new Agent({ keepAlive: true, maxSockets: options.concurrency });
  const latencies: number[] = [];
  const errorKinds: Record<string, number> = {};
  let ok = 0;
  let busy = 0;
  const started = performance.now();
  const until = started + options.durationMs;
  const worker = async () => {
    while (performance.now() < until) {
      const result = await postInteraction(target, options.what, options.timeoutMs, agent);
      latencies.push(result.ms);
      if (result.status === 200) {
        ok++;
        if (result.body.includes(BUSY)) busy++;
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
  // One window pooled alone is its own summary: the percentiles come from ack-load's one definition.
  const raw = { sent: latencies.length, ok, errors: latencies.length - ok, busy, errorKinds, p50: NaN, p99: NaN, max: NaN, perSecond: NaN, ms: performance.now() - started, latencies };
  return pooled([raw]);
}

/** One thing measured: a process (Triage or the bare server) and the interaction sent to it. */
export type DiscordContender = {
  label: string;
  target: InteractionTarget;
  what: Interacted;
  /** CPU time of the process that serves it, in ms so far. */
  cpuMs(): number;
  /** After each of its windows: waits (bounded) for the work the window left behind. */
  settle(window: AckFigures): Promise<void>;
};

async function warmUp(c: DiscordContender, shape: LoadShape): Promise<void> {
  const warm = await runInteractionLoad(c.target, { concurrency: shape.concurrency, durationMs: shape.warmupMs, timeoutMs: shape.timeoutMs, what: c.what });
  if (warm.ok === 0) throw new Error(`${c.label}: every warm-up request failed: ${figures(warm)}`);
  await c.settle(warm);
}

async function measureWindow(c: DiscordContender, shape: LoadShape, durationMs: number): Promise<Window> {
  const hostLoad = loadavg()[0]!;
  const targetBefore = c.cpuMs();
  const generatorBefore = process.cpuUsage();
  const load = await runInteractionLoad(c.target, { concurrency: shape.concurrency, durationMs, timeoutMs: shape.timeoutMs, what: c.what });
  const generator = process.cpuUsage(generatorBefore);
  const cpu = { targetPct: (100 * (c.cpuMs() - targetBefore)) / load.ms, generatorPct: (100 * (generator.user + generator.system)) / 1000 / load.ms, hostLoad };
  if (load.ok === 0) throw new Error(`${c.label}: every request failed: ${figures(load)}`);
  await c.settle(load);
  return { figures: load, cpu };
}

/** As ack-rounds.ts's interleave: one window per contender per round, the order rotated every round, so host drift is shared. */
export async function interleaveDiscord(contenders: readonly DiscordContender[], rounds: number, windowMs: number, shape: LoadShape): Promise<Map<DiscordContender, Window[]>> {
  const windows = new Map<DiscordContender, Window[]>(contenders.map((c) => [c, []]));
  for (const c of contenders) await warmUp(c, shape);
  for (let round = 0; round < rounds; round++) {
    const order = contenders.map((_, i) => contenders[(i + round) % contenders.length]!);
    for (const c of order) windows.get(c)!.push(await measureWindow(c, shape, windowMs));
  }
  return windows;
}
