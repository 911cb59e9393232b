import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ServerResponse } from 'node:http';
import { packageRoot } from '../../src/paths.js';

/**
 * The console page is one self-contained HTML file, served as written (no bundler). It is read
 * from the package root, not next to this module, because `tsc` does not copy HTML into dist/.
 *
 * The Content-Security-Policy allows exactly the page's own inline script (by its hash) and
 * nothing from the network: even if a card's text slipped past the renderer's textContent, no
 * injected script could run.
 */
export type ConsolePage = { html: string; contentSecurityPolicy: string };

export const pagePath = (): string => join(packageRoot(), 'adapters', 'console', 'page', 'index.html');

export function loadConsolePage(path = pagePath()): ConsolePage {
  const html = readFileSync(path, 'utf8');
  const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => `'sha256-${createHash('sha256').update(m[1]!).digest('base64')}'`);
  const contentSecurityPolicy = [
    "default-src 'none'",
    `script-src ${scripts.join(' ') || "'none'"}`,
    "style-src 'unsafe-inline'",
    "connect-src 'self'",
    'img-src data:',
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
  return { html, contentSecurityPolicy };
}

/** `status` is 401 when a login is needed: the same page, whose script then shows the login form. */
export function sendPage(res: ServerResponse, page: ConsolePage, status = 200): void {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'content-length': Buffer.byteLength(page.html),
    'content-security-policy': page.contentSecurityPolicy,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-cache',
  });
  res.end(page.html);
}
