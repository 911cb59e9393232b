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
