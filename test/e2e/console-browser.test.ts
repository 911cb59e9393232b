import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConsoleChatPort } from '../../adapters/console/chat-port.js';
import { findMessage } from '../../adapters/console/store.js';
import type { Card } from '../../src/chat/card.js';
import { packageRoot } from '../../src/paths.js';
import { assertConsoleTable, card, createFakeInteractions, startConsoleServer, type ConsoleServer, type FakeInteractions } from '../adapters/console/support.js';
import { openTestDatabase, type TestDatabase } from '../support/databases.js';

/**
 * The console in a real Chromium: the page, its API and live stream, the console ChatPort over
 * PGlite. The core is a fake Interactions whose Dismiss updates the card through the ChatPort,
 * and the scenario posts the seed's three critical cards through it, as the outbox will.
 */
const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'];
const missing = !existsSync(CHROMIUM);
const title = missing ? `console in Chromium (SKIPPED: ${CHROMIUM} is missing; apt-get install chromium)` : 'console in Chromium';

const runtimeAction = (action: string, label: string, extra: Partial<Card['actions'][number]> = {}) => ({ id: `v1|${action}|insight:1`, label, style: 'default' as const, ...extra });

/** The seed's three critical Copilot cards (team-x-failure-recovery-workflows.txt). */
function seedCards(): Card[] {
  return [
    card({
      title: '3 runtime execution failed events in last 10 minutes.',
      text: 'External runtimes disconnected. Affected employees: Mike, Priya',
      entities: [
        { kind: 'runtime', id: 'bash-runtime-mike', detail: 'connection refused' },
        { kind: 'runtime', id: 'bash-runtime-priya', detail: 'timeout' },
      ],
      actions: [
        runtimeAction('view_runtimes', 'View Runtime Status', { style: 'primary' }),
        runtimeAction('restart_runtime', 'Restart runtimes', {
          style: 'danger',
          confirm: { title: 'Restart runtimes?', text: 'Both runtimes restart now.', confirmLabel: 'Restart', denyLabel: 'Cancel' },
        }),
        runtimeAction('dismiss', 'Dismiss'),
      ],
    }),
    card({
      title: '7 agentic loops in "running" state > 30 minutes.',
      text: 'Possible hang or slow provider response.',
      fields: [{ label: 'Longest', value: '52 min' }],
      entities: ['#47 Code review', '#52 Data analysis', '#55 Architecture planning'].map((label, i) => ({ kind: 'loop', id: `loop-${i}`, label })),
      actions: [{ id: 'v1|view_loops|insight:2', label: 'View Stuck Loops', style: 'primary' }, { id: 'v1|dismiss|insight:2', label: 'Dismiss', style: 'default' }],
      context: 'Seen 1 time · first 14:32 UTC',
    }),
    card({
      title: 'Routine "daily-code-review" failed execution.',
      text: 'Error: budget_exhausted\nRoutine paused pending resolution.',
      actions: [{ id: 'v1|view_routine|insight:3', label: 'View Routine Status', style: 'primary' }, { id: 'v1|dismiss|insight:3', label: 'Dismiss', style: 'default' }],
    }),
  ];
}

/** Dismiss updates the card through the ChatPort, as the core's lifecycle will via the outbox. */
function coreStandIn(interactions: FakeInteractions, port: () => ConsoleChatPort, database: () => TestDatabase): void {
  interactions.onClick = async ({ actionId, actor, message }) => {
    if (!actionId.startsWith('v1|dismiss|')) return { visibility: 'private', text: 'Not in this test.' };
    const stored = await findMessage(database().db, message.messageId);
    const dismissed: Card = { ...stored!.card, state: 'dismissed', actions: [], context: `Dismissed by ${actor.name}` };
    await port().update(message.channel, message.messageId, dismissed);
    return { visibility: 'private', text: `You dismissed "${stored!.card.title}".` };
  };
  interactions.onCommand = async ({ command }) => ({ visibility: 'private', text: `Unknown command ${command}. Triage knows /triage; try /triage help.` });
}

describe.skipIf(missing)(title, () => {
  let database: TestDatabase;
  let server: ConsoleServer;
  let browser: Browser;
  let page: Page;
  const interactions = createFakeInteractions();
  const pageErrors: string[] = [];

  beforeAll(async () => {
    database = await openTestDatabase('pglite');
    await assertConsoleTable(database);
    coreStandIn(interactions, () => server.port, () => database);
    server = await startConsoleServer({
      database,
      interactions,
      startScenario: async () => {
        for (const seed of seedCards()) await server.port.post('ops', seed);
      },
    });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    // Script errors and CSP refusals; a 4xx the test provokes on purpose is logged too, and is not one.
    page.on('console', (message) => {
      if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) pageErrors.push(message.text());
    });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await database?.drop();
  });

  const messages = () => page.getByTestId('messages').locator(':scope > [data-testid="message"]');
  const cardTitled = (text: string) => messages().filter({ has: page.getByTestId('card-title').getByText(text, { exact: true }) });

  it('opens empty, as the first person of the workspace, with every scenario to play', async () => {
    await page.goto(server.url + '/');
    await page.getByTestId('empty').waitFor();
    await expect.poll(() => page.getByTestId('connection').getAttribute('data-state')).toBe('live');
    await expect.poll(() => page.getByTestId('person-picker').inputValue()).toBe('mike');
    expect(await page.getByTestId('person-picker').locator('option').allTextContents()).toContain('Priya — Data Scientist');
    expect(await page.getByTestId('play-scenario').textContent()).toBe('Play scenario: cascading-failure');
  });

  it('plays the scenario: the three critical cards appear live with their buttons', async () => {
    await page.getByTestId('play-scenario').click();
    await expect.poll(() => messages().count()).toBe(3);
    expect(await page.getByTestId('card-badge').allTextContents()).toEqual(Array(3).fill('🔴 CRITICAL • OPERATIONAL'));
    const runtimes = cardTitled('3 runtime execution failed events in last 10 minutes.');
    expect(await runtimes.getByTestId('action').allTextContents()).toEqual(['View Runtime Status', 'Restart runtimes', 'Dismiss']);
    expect(await runtimes.getByTestId('entity').allTextContents()).toEqual(['bash-runtime-mike (connection refused)', 'bash-runtime-priya (timeout)']);
    expect(await page.getByTestId('card').first().getAttribute('data-severity')).toBe('critical');
  });

  it('asks before a button with a confirmation, and sends nothing when the person cancels', async () => {
    const asked: string[] = [];
    page.once('dialog', (dialog) => {
      asked.push(dialog.message());
      void dialog.dismiss();
    });
    await cardTitled('3 runtime execution failed events in last 10 minutes.').getByRole('button', { name: 'Restart runtimes' }).click();
    expect(asked).toEqual(['Restart runtimes?\n\nBoth runtimes restart now.']);
    expect(interactions.clicks).toEqual([]);
  });

  it('Dismiss changes the card in place to dismissed, and the reply is only visible to the clicker', async () => {
    const loops = cardTitled('7 agentic loops in "running" state > 30 minutes.');
    await loops.getByRole('button', { name: 'Dismiss' }).click();
    await loops.getByTestId('card-state').filter({ hasText: 'Dismissed' }).waitFor();
    expect(await loops.getByTestId('card').getAttribute('class')).toContain('closed');
    expect(await loops.getByTestId('action').count()).toBe(0);
    expect(await loops.getByTestId('card-context').textContent()).toBe('Dismissed by Mike');
    expect(interactions.clicks[0]?.actor).toEqual({ platform: 'console', userId: 'mike', name: 'Mike' });

    const reply = messages().last();
    await expect.poll(() => reply.getByTestId('plain-text').textContent()).toBe('You dismissed "7 agentic loops in "running" state > 30 minutes.".');
    expect(await reply.getByTestId('private-label').textContent()).toBe('Only visible to you');
    expect(await messages().count()).toBe(4);
  });

  it('answers a slash command privately, and explains text that is not a command', async () => {
    await page.getByTestId('composer').fill('/nope');
    await page.getByTestId('composer').press('Enter');
    const answer = messages().filter({ hasText: 'Unknown command /nope' });
    await answer.waitFor();
    expect(await answer.getByTestId('private-label').textContent()).toBe('Only visible to you');
    expect(await page.getByTestId('composer').inputValue()).toBe('');

    await page.getByTestId('composer').fill('hello');
    await page.getByTestId('send').click();
    await expect.poll(() => page.getByTestId('composer-error').textContent()).toContain('commands start with /');
  });

  it('renders whatever the server pushes as text, truncates long entity lists, and folds threads', async () => {
    const entities = Array.from({ length: 13 }, (_, i) => ({ kind: 'loop', id: `loop-${i + 1}` }));
    const posted = await server.port.post('ops', card({ severity: 'warning', title: 'Pool <b>exhausted</b> <img src=x onerror="window.pwned=1">', entities }));
    if (!posted.ok) throw new Error('post failed');
    const warning = messages().last();
    await warning.getByTestId('entities-more').waitFor();
    expect(await warning.getByTestId('entities-more').textContent()).toBe('and 3 more');
    expect(await warning.getByTestId('entity').count()).toBe(10);
    expect(await warning.getByTestId('card-badge').textContent()).toBe('⚠️ WARNING • OPERATIONAL');
    expect(await warning.getByTestId('card-title').textContent()).toBe('Pool <b>exhausted</b> <img src=x onerror="window.pwned=1">');
    expect(await warning.locator('b, img').count()).toBe(0);

    await server.port.postInThread('ops', posted.value.messageId, card({ severity: 'info', category: 'workflow', title: 'Root cause: max connections 5' }));
    await warning.getByTestId('thread-toggle').filter({ hasText: '1 reply' }).click();
    await warning.getByTestId('thread').getByText('Root cause: max connections 5').waitFor();
    expect(await page.evaluate(() => (globalThis as { pwned?: number }).pwned)).toBeUndefined();
  });

  it('saves a screenshot of the console', async () => {
    const dir = join(packageRoot(), 'test-results');
    mkdirSync(dir, { recursive: true });
    // Tall enough for the whole conversation: the message list scrolls inside the page.
    await page.setViewportSize({ width: 1280, height: 1500 });
    await page.getByTestId('messages').evaluate((list) => (list.scrollTop = 0));
    await page.screenshot({ path: join(dir, 'console.png') });
    await page.setViewportSize({ width: 1280, height: 900 });
    expect(pageErrors).toEqual([]);
  });

  it('shows another person only the channel, not Mike\'s private replies', async () => {
    await page.getByTestId('person-picker').selectOption('priya');
    await expect.poll(() => page.getByTestId('private-label').count()).toBe(0);
    expect(await messages().count()).toBe(4);
    await page.reload();
    await expect.poll(() => page.getByTestId('person-picker').inputValue()).toBe('priya');
  });
});
