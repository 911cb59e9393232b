/**
 * Which environment variable sets which configuration key, and which of them are secrets
 * (src/config.ts reads them; errors and logs never echo a secret's value).
 */
/** Env var → config key. Secrets are listed so errors never echo their values. */
export const ENV_KEYS = {
  DATABASE_URL: { key: 'databaseUrl', secret: true },
  PORT: { key: 'port', secret: false },
  HOST: { key: 'host', secret: false },
  INGEST_TOKEN: { key: 'ingestToken', secret: true },
  INGEST_TOKEN_PREVIOUS: { key: 'ingestTokenPrevious', secret: true },
  TRIAGE_DATA_DIR: { key: 'dataDir', secret: false },
  PLATFORM_URL: { key: 'platformUrl', secret: false },
  PLATFORM_TOKEN: { key: 'platformToken', secret: true },
  LOG_LEVEL: { key: 'logLevel', secret: false },
} as const;

/** Env var → list inside `roles` (comma-separated members), replacing the file's list. */
export const ROLE_ENV_KEYS = { TRIAGE_RESPONDERS: 'responders', TRIAGE_APPROVERS: 'approvers', TRIAGE_ADMINS: 'admins' } as const;

/** Env var → key inside `slack`, merged over the file's `slack:` section. */
export const SLACK_ENV_KEYS = {
  SLACK_BOT_TOKEN: { key: 'botToken', secret: true },
  SLACK_SIGNING_SECRET: { key: 'signingSecret', secret: true },
  SLACK_SIGNING_SECRET_PREVIOUS: { key: 'signingSecretPrevious', secret: true },
  SLACK_APP_TOKEN: { key: 'appToken', secret: true },
  SLACK_API_URL: { key: 'apiUrl', secret: false },
  SLACK_CHANNEL: { key: 'channel', secret: false },
} as const;

/** Env var → key inside `discord`, merged over the file's `discord:` section. */
export const DISCORD_ENV_KEYS = {
  DISCORD_BOT_TOKEN: { key: 'botToken', secret: true },
  DISCORD_PUBLIC_KEY: { key: 'publicKey', secret: false },
  DISCORD_APPLICATION_ID: { key: 'applicationId', secret: false },
  DISCORD_GUILD_ID: { key: 'guildId', secret: false },
  DISCORD_API_URL: { key: 'apiUrl', secret: false },
  DISCORD_CHANNEL: { key: 'channel', secret: false },
  DISCORD_GATEWAY: { key: 'gateway', secret: false },
} as const;

/** Env var → key inside `heartbeat`; a healthchecks-style URL carries its token, so it is a secret. */
export const HEARTBEAT_ENV_KEYS = {
  HEARTBEAT_URL: { key: 'url', secret: true },
  HEARTBEAT_KIND: { key: 'kind', secret: false },
  HEARTBEAT_ROUTING_KEY: { key: 'routingKey', secret: true },
  HEARTBEAT_EVERY: { key: 'everySeconds', secret: false },
} as const;

/** Env var → key inside `console`; the people and their password hashes live in the file. */
export const CONSOLE_ENV_KEYS = { TRIAGE_CONSOLE_SESSION_SECRET: { key: 'sessionSecret', secret: true } } as const;

/**
 * Every environment variable whose value is a secret: what a log scan must never find
 * (test/support/secret-scan.ts runs every test's output through it). URLs whose password is the
 * secret (DATABASE_URL, PLATFORM_URL) are listed too.
 */
export const SECRET_ENV_NAMES: readonly string[] = [
  ...[ENV_KEYS, SLACK_ENV_KEYS, DISCORD_ENV_KEYS, HEARTBEAT_ENV_KEYS, CONSOLE_ENV_KEYS].flatMap((keys) =>
    Object.entries(keys as Record<string, { secret: boolean }>).filter(([, v]) => v.secret).map(([name]) => name),
  ),
  'GITHUB_TOKEN',
  'TRIAGE_LLM_API_KEY',
];
