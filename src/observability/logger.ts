import { pino, type Logger } from 'pino';

export type { Logger };

/** Keys whose values are secrets wherever they appear: tokens, keys, URLs that may carry a password. */
const SECRET_KEYS = [
  'token',
  'ingestToken',
  'ingestTokenPrevious',
  'platformToken',
  'platformUrl',
  'databaseUrl',
  'authorization',
  'signingSecret',
  'signingSecretPrevious',
  'botToken',
  'appToken',
  'apiKey',
  'password',
  'routingKey',
  'routing_key',
  // The console's login: its session secret, people's password hashes, a session cookie.
  'sessionSecret',
  'passwordHash',
  'cookie',
];

/**
 * JSON logs with secrets redacted by path: whatever object a caller logs, these keys never reach
 * the output, at the top level and two levels down (a logged config's `slack.botToken`, or one
 * logged under a key: `config.incidents.llm` is three). Paths, not a scan of every string: pino
 * redacts by path at almost no cost per line (test/observability/redaction.test.ts).
 */
export const REDACT_PATHS = [
  ...SECRET_KEYS.flatMap((key) => [key, `*.${key}`, `*.*.${key}`, `*.*.*.${key}`]),
  'req.headers.authorization',
  // Triage's own heartbeat (src/observability/heartbeat.ts): the URL's path is its token.
  'heartbeat.url',
  '*.heartbeat.url',
  // A logged config's console people sit deeper than the wildcards above reach.
  'console.people[*].passwordHash',
  '*.console.people[*].passwordHash',
];

export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return pino(
    { level, redact: { paths: REDACT_PATHS, censor: '[redacted]' }, base: { service: 'triage' } },
    destination ?? process.stdout,
  );
}

/** For printing a database URL in a log line or an error: never the password. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable url)';
  }
}

/**
 * For a URL whose path or query is the secret (a healthchecks-style ping URL, a webhook): only
 * the scheme, host and port, which say where without saying how to get in.
 */
export function redactUrlPath(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}/…`;
  } catch {
    return '(unparseable url)';
  }
}
