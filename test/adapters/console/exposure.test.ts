import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isLoopbackHost } from '../../../src/http/loopback.js';
import { spawnTriage, type TriageProcess } from '../../support/process.js';
import { stopAll } from '../../support/replicas.js';

const TOKEN = 'exposure-ingest-token-0123456789';
const command = (url: string, headers: Record<string, string> = {}) =>
  fetch(`${url}/console/api/command`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ text: '/triage help', personId: 'james', channel: 'ops' }),
  });

/**
 * The console has no login: it must not answer the network. Tried as a new user would with
 * HOST=0.0.0.0 (what Slack's HTTP mode in a container needs), it returned every card and private
 * reply and ran commands as any person. Real processes, real HTTP.
 */
describe('the web console and the network', () => {
  const running: TriageProcess[] = [];
  afterAll(() => stopAll(running));
  const start = async (host: string) => {
    const p = await spawnTriage({ HOST: host, INGEST_TOKEN: TOKEN, TRIAGE_DATA_DIR: mkdtempSync(join(tmpdir(), 'triage-exposure-')) });
    running.push(p);
    return p;
  };

  it('is off when Triage listens beyond loopback; intake and health still answer', async () => {
    const triage = await start('0.0.0.0');
    expect((await fetch(`${triage.url}/readyz`)).status).toBe(200);
    expect((await fetch(`${triage.url}/console/api/state`)).status).toBe(404);
    expect((await fetch(`${triage.url}/`)).status).toBe(404);
    expect((await command(triage.url)).status).toBe(404);
    const event = await fetch(`${triage.url}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify({ events: [{ type: 'runtime.heartbeat', source: 's', occurredAt: new Date().toISOString(), attributes: { runtime: 'r', intervalSeconds: 30 } }] }),
    });
    expect(event.status).toBe(202);
    expect(triage.output()).toContain('the web console is off');
  }, 90_000);

  it('on loopback, refuses a change sent from another site, and takes one from its own page', async () => {
    const triage = await start('127.0.0.1');
    const host = new URL(triage.url).host;
    const forged = await command(triage.url, { origin: 'http://evil.example' });
    expect(forged.status).toBe(403);
    expect(await forged.json()).toMatchObject({ error: { code: 'cross_origin' } });
    expect((await command(triage.url, { 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    const own = await command(triage.url, { origin: `http://${host}` });
    expect(own.status).toBe(200);
    expect(JSON.stringify(await own.json())).toContain('/triage');
    // Reading is unaffected: the page itself loads.
    expect((await fetch(`${triage.url}/`)).status).toBe(200);
  }, 90_000);

  it.each([
    ['127.0.0.1', true],
    ['127.1.2.3', true],
    ['localhost', true],
    ['::1', true],
    ['[::1]', true],
    ['0.0.0.0', false],
    ['::', false],
    ['10.0.0.5', false],
    ['triage.internal', false],
  ])('%s is loopback: %s', (host, loopback) => {
    expect(isLoopbackHost(host)).toBe(loopback);
  });
});
