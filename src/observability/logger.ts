import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * JSON logs with secrets redacted by path: whatever object a caller logs, these keys never
 * reach the output. Values that are secrets by nature (tokens, URLs with passwords) are listed.
 */
export const REDACT_PATHS = [
  'token',
  '*.token',
  'ingestToken',
  '*.ingestToken',
  'ingestTokenPrevious',
  '*.ingestTokenPrevious',
  'platformToken',
  '*.platformToken',
  'databaseUrl',
  '*.databaseUrl',
  'authorization',
  '*.authorization',
  'headers.authorization',
  'req.headers.authorization',
  '*.headers.authorization',
  'signingSecret',
  '*.signingSecret',
  'signingSecretPrevious',
  '*.signingSecretPrevious',
  'botToken',
  '*.botToken',
  'password',
  '*.password',
  // Triage's own heartbeat (src/observability/heartbeat.ts): the URL's path is its token.
  'heartbeat.url',
  '*.heartbeat.url',
  'routingKey',
  '*.routingKey',
  'routing_key',
  '*.routing_key',
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
