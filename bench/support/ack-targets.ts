import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../src/paths.js';
import type { FakeSlack } from './ack-fake-slack.js';
import { postSigned, type SlashTarget } from './ack-load.js';
import { deferCleanup } from './cleanup.js';
import { freePort } from './free-port.js';
import { startTriageProcess, type TriageProcess } from './triage-process.js';

export const SLACK_EVENTS_PATH = '/slack/events';

export type BareBolt = { target: SlashTarget; cpuMs(): number; stop(): Promise<void> };

/**
 * bench/support/ack-bare-bolt.ts as its own process, so Bolt's CPU is not the load generator's
 * (as Triage's is not). Resolves once it prints that it listens. Extra node flags (e.g.
 * `--cpu-prof --cpu-prof-dir=/abs/dir`) come from BENCH_BARE_NODE_ARGS, as Triage's come from
 * BENCH_TRIAGE_NODE_ARGS, so the two can be profiled under the same load.
 */
export async function startBareBolt(signingSecret: string, slack: FakeSlack, readyTimeoutMs = 20_000): Promise<BareBolt> {
  const root = packageRoot();
  const port = await freePort();
  const nodeArgs = (process.env.BENCH_BARE_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', join(root, 'bench', 'support', 'ack-bare-bolt.ts')], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', PORT: String(port), SLACK_SIGNING_SECRET: signingSecret },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-16_000));
  child.stderr.on('data', keep);
  let exitCode: number | string | null | undefined;
  const exited = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      exitCode = code ?? signal;
      resolve();
    }),
  );
  child.once('error', (error) => keep(Buffer.from(`spawn failed: ${error.message}\n`)));
  const stop = deferCleanup('bare Bolt process', async () => {
    if (exitCode !== undefined) return;
    child.kill('SIGTERM');
    if (await Promise.race([exited.then(() => false), sleep(5_000).then(() => true)])) {
      child.kill('SIGKILL');
      await Promise.race([exited, sleep(5_000)]);
    }
  });
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`bare Bolt was not listening within ${readyTimeoutMs} ms:\n${output}`)), readyTimeoutMs);
      child.stdout.on('data', (chunk: Buffer) => {
        keep(chunk);
        if (output.includes('listening')) {
          clearTimeout(timer);
          resolve();
        }
      });
      void exited.then(() => {
        clearTimeout(timer);
        reject(new Error(`bare Bolt exited (${exitCode}) before it listened:\n${output}`));
      });
    });
  } catch (error) {
    await stop();
    throw error;
  }
  const target = { url: `http://127.0.0.1:${port}${SLACK_EVENTS_PATH}`, signingSecret, responseUrl: slack.responseUrl };
  return { target, cpuMs: () => processCpuMs(child.pid), stop };
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

/** utime + stime of a live process from /proc/<pid>/stat, in ms (USER_HZ is 100 on Linux). */
function processCpuMs(pid: number | undefined): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return NaN;
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
