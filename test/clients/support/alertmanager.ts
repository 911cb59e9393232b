import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../support/process.js';

/** Where Debian's prometheus-alertmanager package puts the binary (.ci/run installs it). */
export const ALERTMANAGER_BINARY = '/usr/bin/prometheus-alertmanager';
export const alertmanagerInstalled = (): boolean => existsSync(ALERTMANAGER_BINARY);

export type Alertmanager = {
  url: string;
  /** Posts alerts to its API (/api/v2/alerts), as Prometheus does; answers the HTTP status. */
  post(alerts: unknown[]): Promise<number>;
  output(): string;
  stop(): Promise<void>;
};

/**
 * The real Alertmanager as its own process: clustering off, its state in a temporary directory,
 * `config` (YAML) as its configuration. Resolves once /-/ready answers 200; throws with its output
 * when it does not within `readyTimeoutMs`.
 */
export async function startAlertmanager(config: string, readyTimeoutMs = 10_000): Promise<Alertmanager> {
  const dir = mkdtempSync(join(tmpdir(), 'triage-alertmanager-'));
  writeFileSync(join(dir, 'alertmanager.yml'), config);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(
    ALERTMANAGER_BINARY,
    [`--config.file=${join(dir, 'alertmanager.yml')}`, `--storage.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--cluster.listen-address=', '--log.level=warn'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let running = true;
  void exited.then(() => (running = false));

  const stop = async (): Promise<void> => {
    if (running) {
      child.kill('SIGTERM');
      // Bounded: a process that ignores SIGTERM is killed outright after 3 s.
      const killed = setTimeout(() => child.kill('SIGKILL'), 3_000);
      await exited;
      clearTimeout(killed);
    }
    rmSync(dir, { recursive: true, force: true });
  };

  const deadline = Date.now() + readyTimeoutMs;
  while (running && Date.now() < deadline) {
    const ready = await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(1_000) }).then((r) => r.ok, () => false);
    if (ready) {
      const post = async (alerts: unknown[]) =>
        (await fetch(`${url}/api/v2/alerts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(alerts), signal: AbortSignal.timeout(5_000) })).status;
      return { url, post, output: () => output, stop };
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  await stop();
  throw new Error(`Alertmanager did not become ready within ${readyTimeoutMs} ms:\n${output}`);
}
