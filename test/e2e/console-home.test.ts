import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConsoleAdapter } from '../../adapters/console/index.js';
import { findScenario } from '../../src/platform/scenarios/index.js';
import { playScenario } from '../../src/platform/scenarios/player.js';
import { startTestTriage, TEST_TOKEN, type TestTriage } from '../support/triage.js';

/**
 * The console's Home view in a real Chromium against a real Triage (the seed story played through
 * its intake; the console's demo roles: Elena approves, James responds). CI installs Chromium at
 * /usr/bin/chromium, as for test/e2e/console-browser.test.ts; without it the suite says it skipped.
 */
const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'];
const missing = !existsSync(CHROMIUM);

describe.skipIf(missing)(missing ? `console Home and thread replies in Chromium (SKIPPED: ${CHROMIUM} is missing)` : 'console Home and thread replies in Chromium', () => {
  let triage: TestTriage;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    triage = await startTestTriage('pglite', {}, { adapters: [createConsoleAdapter] });
    const played = await playScenario({ scenario: findScenario('cascading-failure')!, url: triage.url, token: TEST_TOKEN, speed: 50 });
    expect(played.ok).toBe(true);
    await triage.writer.drain();
    await triage.evaluator.idle();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
    page = await browser.newPage({ viewport: { width: 1280, height: 1400 } });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    // Script errors and CSP refusals (the Home block is a second inline script, allowed by its hash).
    page.on('console', (message) => {
      if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) pageErrors.push(message.text());
    });
    await page.goto(triage.url);
    await page.locator('[data-testid="connection"][data-state="live"]').waitFor({ timeout: 10_000 });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await triage?.close();
  });

  const section = (key: string) => page.getByTestId(`home-${key}`);
  const as = async (person: string) => {
    await page.getByTestId('person-picker').selectOption(person);
    await expect.poll(() => page.getByTestId('connection').getAttribute('data-state')).toBe('live');
  };
  const limitOf = async (routine: string) => {
    const routines = await triage.platform.listRoutines();
    return routines.ok ? routines.value.find((r) => r.id === routine)?.budgetLimitUsd : undefined;
  };

  it("shows a responder the overview in place of the chat: incidents, critical insights, the pending approval without its buttons, and who can decide", async () => {
    await as('james');
    await page.getByTestId('home-tab').click();
    await section('approvals').getByText('Budget override: daily-code-review').waitFor({ timeout: 10_000 });
    expect(await page.getByTestId('channel-title').textContent()).toBe('Home');
    expect(await page.getByTestId('messages').isHidden()).toBe(true);
    expect(await section('incidents').getByTestId('home-item').count()).toBeGreaterThan(0);
    expect(await section('insights').textContent()).toContain('bash-runtime-mike');
    expect(await section('approvals').getByTestId('home-action').count()).toBe(0);
    expect(await section('approvals').getByTestId('home-note').textContent()).toMatch(/Only approvers can decide these: .*console:elena/);
  });

  it('redraws Home live when a card changes: a /doctor typed by someone else shows as the last Doctor run', async () => {
    expect(await section('doctor').textContent()).toContain('Doctor has not run yet');
    const ran = await fetch(`${triage.url}/console/api/command`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: '/doctor', personId: 'priya', channel: 'ops' }) });
    expect(ran.status).toBe(200);
    await section('doctor').getByText(/Doctor run #\d+/).waitFor({ timeout: 15_000 });
    expect(await section('doctor').getByTestId('home-action').allTextContents()).toEqual(['Re-run Doctor']);
  });

  it("the approver's Approve on Home approves the override, says so on Home, and the approval leaves it", async () => {
    const before = await limitOf('daily-code-review');
    await as('elena');
    await section('approvals').getByRole('button', { name: 'Approve' }).waitFor({ timeout: 10_000 });
    await section('approvals').getByRole('button', { name: 'Approve' }).click();
    await expect.poll(() => page.getByTestId('home-notice').textContent(), { timeout: 10_000 }).toMatch(/^Approved/);
    await expect.poll(() => section('approvals').getByText('Budget override: daily-code-review').count(), { timeout: 10_000 }).toBe(0);
    expect(await limitOf('daily-code-review')).toBe(before! + 5);
    // Back to the chat: #ops, with Elena's private answer in it.
    await page.getByTestId('channel-ops').click();
    expect(await page.getByTestId('home-view').isHidden()).toBe(true);
    expect(await page.getByTestId('channel-title').textContent()).toBe('#ops');
    await expect.poll(() => page.getByTestId('private-label').count()).toBeGreaterThan(0);
    expect(pageErrors).toEqual([]);
  });

  it("a reply typed in the incident header's thread joins the incident's timeline, named, and shows in the thread", async () => {
    const header = page.getByTestId('message').filter({ hasText: /🚨 Incident #\d+/ }).first();
    await header.getByTestId('thread-toggle').click();
    const input = page.getByTestId('thread-reply-input');
    await input.fill('Rolled back the pool change at the load balancer');
    await input.press('Enter');
    await page.getByTestId('thread').getByText('Rolled back the pool change at the load balancer').waitFor({ timeout: 10_000 });
    expect(await page.getByTestId('thread-reply-error').textContent()).toBe('');
    const timeline = await fetch(`${triage.url}/console/api/command`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: '/incident timeline', personId: 'sofia', channel: 'ops' }) });
    const text = ((await timeline.json()) as { reply: { text: string } }).reply.text;
    expect(text).toMatch(/ Elena +Rolled back the pool change at the load balancer$/m);
    expect(pageErrors).toEqual([]);
  });
});
