import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase } from '../../support/databases.js';
import { loginConfig, PASSWORDS } from './login-support.js';
import { createFakeInteractions, startConsoleServer, type ConsoleServer } from './support.js';

/**
 * The console page with login on, in a real Chromium: the login form instead of the picker, the
 * words for a wrong password, acting as the person logged in, and logging out.
 */
const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'];
const missing = !existsSync(CHROMIUM);
const title = missing ? `console login in Chromium (SKIPPED: ${CHROMIUM} is missing; apt-get install chromium)` : 'console login in Chromium';

describe.skipIf(missing)(title, () => {
  let database: TestDatabase;
  let server: ConsoleServer;
  let browser: Browser;
  let page: Page;
  const interactions = createFakeInteractions();
  const pageErrors: string[] = [];

  beforeAll(async () => {
    database = await openTestDatabase('pglite');
    server = await startConsoleServer({ database, interactions, startScenario: async () => {}, login: await loginConfig() });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    // Script errors and CSP refusals; the 401s the page meets on purpose are not among them.
    page.on('console', (message) => {
      if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) pageErrors.push(message.text());
    });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await database?.drop();
  });

  const logIn = async (id: string, password: string) => {
    await page.getByTestId('login-id').fill(id);
    await page.getByTestId('login-password').fill(password);
    await page.getByTestId('login-submit').click();
  };

  it('shows the login form, not the picker or the chat, without a session', async () => {
    await page.goto(server.url + '/');
    await page.getByTestId('login').waitFor();
    expect(await page.getByTestId('messages').isVisible()).toBe(false);
    expect(await page.getByTestId('person-picker').isVisible()).toBe(false);
  });

  it('says "Wrong name or password." and stays on the form for a wrong password', async () => {
    await logIn('james', 'not-the-password');
    await expect.poll(() => page.getByTestId('login-error').textContent()).toBe('Wrong name or password.');
    expect(await page.getByTestId('login').isVisible()).toBe(true);
    expect(await page.getByTestId('login-password').inputValue()).toBe('');
  });

  it('logs in, names the person, and sends commands as them', async () => {
    await logIn('james', PASSWORDS.james);
    await expect.poll(() => page.getByTestId('me').textContent()).toBe('Logged in as James');
    await expect.poll(() => page.getByTestId('connection').getAttribute('data-state')).toBe('live');
    expect(await page.getByTestId('person-picker').isVisible()).toBe(false);
    await page.getByTestId('composer').fill('/triage help');
    await page.getByTestId('send').click();
    await expect.poll(() => interactions.commands.length).toBe(1);
    expect(interactions.commands[0]!.actor).toEqual({ platform: 'console', userId: 'james', name: 'James' });
  });

  it('logs out back to the form; the API then asks for a login again', async () => {
    await page.getByTestId('logout').click();
    await page.getByTestId('login').waitFor();
    const status = await page.evaluate(async () => (await fetch('/console/api/state')).status);
    expect(status).toBe(401);
    expect(pageErrors).toEqual([]);
  });
});
