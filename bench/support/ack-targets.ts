import type { FakeSlack } from './ack-fake-slack.js';
import { postSigned, type SlashTarget } from './ack-load.js';
import { freePort } from './free-port.js';
import { startTriageProcess, type TriageProcess } from './triage-process.js';
import { startTsxChild } from './tsx-child.js';

export const SLACK_EVENTS_PATH = '/slack/events';

export type BareBolt = { target: SlashTarget; cpuMs(): number; stop(): Promise<void> };

/**
 * bench/support/ack-bare-bolt.ts as its own process, so Bolt's CPU is not the load generator's
 * (as Triage's is not). Resolves once it prints that it listens. Extra node flags (e.g.
 * `--cpu-prof --cpu-prof-dir=/abs/dir`) come from BENCH_BARE_NODE_ARGS, as Triage's come from
 * BENCH_TRIAGE_NODE_ARGS, so the two can be profiled under the same load.
 */
export async function startBareBolt(signingSecret: string, slack: FakeSlack, readyTimeoutMs = 20_000): Promise<BareBolt> {
  const port = await freePort();
  const child = await startTsxChild({
    label: 'bare Bolt process',
    script: 'ack-bare-bolt.ts',
    env: { PORT: String(port), SLACK_SIGNING_SECRET: signingSecret },
    ready: /listening/,
    nodeArgs: (process.env.BENCH_BARE_NODE_ARGS ?? '').split(/\s+/).filter(Boolean),
    readyTimeoutMs,
  });
  const target = { url: `http://127.0.0.1:${port}${SLACK_EVENTS_PATH}`, signingSecret, responseUrl: slack.responseUrl };
  return { target, cpuMs: child.cpuMs, stop: child.stop };
}

export type TriageWithSlack = { triage: TriageProcess; target: SlashTarget };

/**
 * Triage as `npm start` runs it, with Slack on over HTTP: bot token, signing secret and channel
 * set, its Web API pointed at the fake. Fails with "Slack adapter not available: …" when the
 * build has no Slack route, so a missing adapter is never mistaken for a slow one. `entry` runs
 * another build (e.g. a variant being compared with dist/).
 */
export async function startTriageWithSlack(databaseUrl: string, signingSecret: string, slack: FakeSlack, entry?: string): Promise<TriageWithSlack> {
  let triage: TriageProcess;
  try {
    triage = await startTriageProcess(databaseUrl, {
      ...(entry ? { entry } : {}),
      env: { SLACK_BOT_TOKEN: 'xoxb-bench', SLACK_SIGNING_SECRET: signingSecret, SLACK_CHANNEL: 'C0BENCH', SLACK_API_URL: slack.apiUrl },
    });
  } catch (error) {
    throw new Error(`Slack adapter not available: Triage did not start with Slack configured: ${(error as Error).message}`);
  }
  const target = { url: `${triage.url}${SLACK_EVENTS_PATH}`, signingSecret, responseUrl: slack.responseUrl };
  const probe = await postSigned(target, { command: '/triage', text: 'help' }, 10_000);
  if (probe.status !== 200) {
    await triage.stop();
    const why = probe.status === 404 ? 'Triage has no POST /slack/events route (is adapters/slack wired into src/main.ts?)' : `a signed /triage help got ${probe.status}`;
    throw new Error(`Slack adapter not available: ${why} ${probe.body.slice(0, 300)}`.trimEnd());
  }
  return { triage, target };
}
