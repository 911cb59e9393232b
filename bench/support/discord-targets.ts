import { request } from 'node:http';
import { BENCH_IDS, postInteraction, type InteractionTarget, type SigningKeys } from './discord-load.js';
import { freePort } from './free-port.js';
import { startTriageProcess, type TriageProcess } from './triage-process.js';
import { startTsxChild } from './tsx-child.js';

export const DISCORD_INTERACTIONS_PATH = '/discord/interactions';
/** A token of the right shape: the fake API never checks it, and Discord never sees it. */
const BENCH_BOT_TOKEN = 'MTEwMDAwMDAwMDAwMDAwMDAwMQ.bench-token.not-a-secret';

export type FakeDiscord = {
  /** Give this to Triage as DISCORD_API_URL. */
  apiUrl: string;
  /** Calls received so far by kind (`webhook PATCH @original`, `webhook POST`, …), and `answered`: interactions answered at least once. */
  counts(): Promise<Record<string, number>>;
  stop(): Promise<void>;
};

/**
 * The far side of Triage's Discord REST calls (discord-fake-api-server.ts) on loopback in its own
 * process, for the reason bench/support/ack-fake-slack.ts gives: serving Triage's follow-ups
 * inside the load generator would slow its stopwatch exactly when Triage answers most.
 */
export async function startFakeDiscord(): Promise<FakeDiscord> {
  const env = { DISCORD_APPLICATION_ID: BENCH_IDS.application, DISCORD_CHANNEL: BENCH_IDS.channel };
  const child = await startTsxChild({ label: 'fake Discord REST API', script: 'discord-fake-api-server.ts', env, ready: /^listening \d+/ });
  const base = `http://127.0.0.1:${child.readyLine.split(' ')[1]}`;
  return { apiUrl: `${base}/api/v10`, counts: () => getJson(`${base}/__counts`), stop: child.stop };
}

export type BareDiscord = { target: InteractionTarget; cpuMs(): number; stop(): Promise<void> };

/** discord-bare-server.ts as its own process; extra node flags from BENCH_BARE_NODE_ARGS, as bench/ack.ts's bare Bolt. */
export async function startBareDiscord(keys: SigningKeys, readyTimeoutMs = 20_000): Promise<BareDiscord> {
  const port = await freePort();
  const child = await startTsxChild({
    label: 'bare Discord interactions server',
    script: 'discord-bare-server.ts',
    env: { PORT: String(port), DISCORD_PUBLIC_KEY: keys.publicKeyHex },
    ready: /listening/,
    nodeArgs: (process.env.BENCH_BARE_NODE_ARGS ?? '').split(/\s+/).filter(Boolean),
    readyTimeoutMs,
  });
  return { target: { url: `http://127.0.0.1:${port}${DISCORD_INTERACTIONS_PATH}`, privateKey: keys.privateKey }, cpuMs: child.cpuMs, stop: child.stop };
}

export type TriageWithDiscord = { triage: TriageProcess; target: InteractionTarget };

/**
 * Triage as `npm start` runs it, with Discord on over HTTP interactions (public key set, so not
 * the gateway) and its REST API pointed at the fake. Fails with "Discord adapter not available: …"
 * when the build has no interactions route, so a missing adapter is never mistaken for a slow one.
 */
export async function startTriageWithDiscord(databaseUrl: string, keys: SigningKeys, discord: FakeDiscord): Promise<TriageWithDiscord> {
  let triage: TriageProcess;
  try {
    triage = await startTriageProcess(databaseUrl, {
      env: {
        DISCORD_BOT_TOKEN: BENCH_BOT_TOKEN,
        DISCORD_PUBLIC_KEY: keys.publicKeyHex,
        DISCORD_APPLICATION_ID: BENCH_IDS.application,
        DISCORD_GUILD_ID: BENCH_IDS.guild,
        DISCORD_CHANNEL: BENCH_IDS.channel,
        DISCORD_API_URL: discord.apiUrl,
        DISCORD_GATEWAY: 'off',
      },
    });
  } catch (error) {
    throw new Error(`Discord adapter not available: Triage did not start with Discord configured: ${(error as Error).message}`);
  }
  const target = { url: `${triage.url}${DISCORD_INTERACTIONS_PATH}`, privateKey: keys.privateKey };
  const probe = await postInteraction(target, { kind: 'command', name: 'triage', text: 'help' }, 10_000);
  if (probe.status !== 200) {
    await triage.stop();
    const why = probe.status === 404 ? `Triage has no POST ${DISCORD_INTERACTIONS_PATH} route (is adapters/discord wired into src/main.ts?)` : `a signed /triage help got ${probe.status}`;
    throw new Error(`Discord adapter not available: ${why} ${probe.body.slice(0, 300)}`.trimEnd());
  }
  return { triage, target };
}

function getJson(url: string): Promise<Record<string, number>> {
  return new Promise((resolve, reject) => {
    const req = request(url, { timeout: 5_000 }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => {
        try {
          resolve(JSON.parse(text) as Record<string, number>);
        } catch (error) {
          reject(error as Error);
        }
      });
    });
    req.on('timeout', () => req.destroy(new Error('the fake Discord API did not tell its counts within 5 s')));
    req.on('error', reject);
    req.end();
  });
}
