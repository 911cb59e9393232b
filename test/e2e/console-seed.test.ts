import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConsoleAdapter } from '../../adapters/console/index.js';
import { packageRoot } from '../../src/paths.js';
import { startTestTriage, type TestTriage } from '../support/triage.js';

/**
 * What a newcomer sees after `npm start`: the real Triage (intake, simulator, rules, outbox,
 * console), the page in a real Chromium, the seed scenario started from its button.
 */
const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'];
const missing = !existsSync(CHROMIUM);

describe.skipIf(missing)(missing ? `seed incident in the console (SKIPPED: ${CHROMIUM} missing)` : 'seed incident in the console, end to end', () => {
  let triage: TestTriage;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    triage = await startTestTriage('pglite', {}, { adapters: [createConsoleAdapter] });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
    page = await browser.newPage({ viewport: { width: 1280, height: 1600 } });
    await page.goto(triage.url);
  });
  afterAll(async () => {
    await browser?.close();
    await triage?.close();
  });

  // Insight cards only: the incident header the cascade opens names the same failures.
  const card = (title: RegExp) =>
    page
      .getByTestId('messages')
      .locator(':scope > [data-testid="message"]')
      .filter({ has: page.getByTestId('card-title').getByText(title) })
      .filter({ hasNot: page.getByTestId('card-title').getByText(/^🚨 Incident/) });

  it("the scenario button makes the seed's critical insights appear, once each, with their buttons", async () => {
    await expect.poll(() => page.getByTestId('connection').getAttribute('data-state')).toBe('live');
    await page.getByTestId('play-scenario').click();
    for (const title of [/runtime execution failures/, /stuck agentic loops/, /daily-code-review out of budget/, /MCP pool exhausted: database-query/, /Runtime bash-runtime-mike unreachable/, /Runtime bash-runtime-priya unreachable/]) {
      await expect.poll(() => card(title).count(), { timeout: 30_000, message: String(title) }).toBe(1);
    }
    await expect.poll(() => card(/Provider openai degraded/).count(), { timeout: 15_000 }).toBe(1);
    const runtimes = card(/runtime execution failures/);
    expect(await runtimes.getByTestId('card-badge').textContent()).toContain('CRITICAL');
    expect(await runtimes.getByTestId('action').allTextContents()).toEqual(['Restart bash-runtime-mike', 'Restart bash-runtime-priya', 'Acknowledge', 'Dismiss']);
  });

  it('Dismiss turns the card to dismissed in place and tells only the clicker', async () => {
    const loops = card(/stuck agentic loops/);
    await loops.getByRole('button', { name: 'Dismiss' }).click();
    await loops.getByTestId('card-state').filter({ hasText: /dismissed/i }).waitFor({ timeout: 10_000 });
    expect(await loops.getByTestId('action').count()).toBe(0);
    await expect.poll(() => page.getByTestId('private-label').count()).toBeGreaterThan(0);
    mkdirSync(join(packageRoot(), 'test-results'), { recursive: true });
    await page.screenshot({ path: join(packageRoot(), 'test-results', 'console-seed.png'), fullPage: true });
  });
});
