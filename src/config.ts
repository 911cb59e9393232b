import { readFileSync, existsSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { OutboxOptions } from './chat/outbox/model.js';
import { DoctorConfig } from './doctor/config.js';
import { Routing } from './insights/routing.js';
import { RetentionConfig } from './retention/config.js';
import { HeartbeatConfig } from './observability/heartbeat-config.js';
import { ActionsConfig, ApprovalsConfig, ConsoleConfig, DiscordConfig, IncidentsConfig, RemediationConfig, RolesConfig, SlackConfig } from './config-sections.js';
import { type Result, ok, err } from './result.js';
import { CONSOLE_ENV_KEYS, DISCORD_ENV_KEYS, ENV_KEYS, HEARTBEAT_ENV_KEYS, ROLE_ENV_KEYS, SLACK_ENV_KEYS } from './config-env.js';
import { GenAiConfig } from './genai/config.js';
import { AlertsConfig, readAlertsEnv } from './intake/alert-sources.js';

export * from './config-sections.js';
export { SECRET_ENV_NAMES } from './config-env.js';

export const LogLevel = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

const port = z.coerce.number().int().min(0).max(65535);

/**
 * One schema for the environment plus the optional triage.config.yml. Environment wins over the
 * file so a deployment can override a committed file without editing it.
 */
export const Config = z.object({
  databaseUrl: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
  port: port.default(3000),
  host: z.string().min(1).default('127.0.0.1'),
  ingestToken: z.string().min(16, 'must be at least 16 characters').optional(),
  /** The token being rotated out: accepted too, and counted, until it is removed (README, "Rotating secrets"). */
  ingestTokenPrevious: z.string().min(16, 'must be at least 16 characters').optional(),
  dataDir: z.string().min(1).default('./.triage'),
  platformUrl: z.url({ protocol: /^https?$/ }).optional(),
  platformToken: z.string().min(1).optional(),
  logLevel: LogLevel.default('info'),
  intake: z
    .object({
      maxBodyBytes: z.number().int().positive().default(1024 * 1024),
      /** POST /v1/traces: an OTLP batch with prompt content outgrows an event batch's limit. */
      maxOtlpBodyBytes: z.number().int().positive().default(16 * 1024 * 1024),
      maxEventsPerBatch: z.number().int().positive().max(10_000).default(5000),
      /** Upper bound on rows in one coalesced INSERT. */
      maxRowsPerFlush: z.number().int().positive().default(4000),
    })
    .prefault({}),
  insights: z
    .object({
      /** How long Dismiss silences a fingerprint before it may come back as a new card. */
      suppressMinutes: z.number().positive().default(60),
      /** node-cron expression for the time-based pass ("no heartbeat", "running > 30 min"). */
      tickCron: z.string().default('*/15 * * * * *'),
      /** Per-kind threshold overrides, e.g. { loops_stuck: { minutes: 45 } }. */
      thresholds: z.record(z.string(), z.record(z.string(), z.unknown())).default({}),
      /** Each replica's "accepting events" beat; all silent for two beats is Triage's own downtime. */
      presenceBeatSeconds: z.number().positive().max(60).default(5),
    })
    .prefault({}),
  routing: Routing,
  outbox: OutboxOptions.prefault({}),
  simulator: z
    .object({
      /** How long a restarted runtime takes to send its first heartbeat. */
      restartHeartbeatDelayMs: z.number().int().min(0).default(1500),
    })
    .prefault({}),
  slack: SlackConfig.prefault({}),
  discord: DiscordConfig.prefault({}),
  doctor: DoctorConfig,
  roles: RolesConfig,
  actions: ActionsConfig,
  approvals: ApprovalsConfig,
  incidents: IncidentsConfig,
  /** Remediation policies (off by default) and the restart bound (src/remediation/). */
  remediation: RemediationConfig,
  retention: RetentionConfig,
  /** How OpenTelemetry GenAI rollups become agent signals (src/genai/config.ts). */
  genai: GenAiConfig,
  /** PagerDuty Events v2 senders told apart by routing key (src/intake/alert-sources.ts). */
  alerts: AlertsConfig,
  /** Triage's own dead-man's switch, sent by the leader (src/observability/heartbeat.ts). */
  heartbeat: HeartbeatConfig,
  /** The web console's login: people with password hashes and the session secret. */
  console: ConsoleConfig,
  /**
   * Names (never values) of the environment variables that are set, read once at load: Doctor's
   * Secrets check reports missing ones without any handler reading process.env.
   */
  environmentNames: z.array(z.string()).default([]),
}).superRefine((config, ctx) => {
  // A generated token cannot be rotated this way: the previous one is only accepted alongside a configured one.
  if (config.ingestTokenPrevious && !config.ingestToken) {
    ctx.addIssue({ code: 'custom', path: ['ingestTokenPrevious'], message: 'is set but INGEST_TOKEN is not; the previous token is only accepted alongside a current one (set the new token as INGEST_TOKEN)' });
  }
});
export type Config = z.infer<typeof Config>;

const SECRET_KEYS = new Set<string>([
  ...Object.values(ENV_KEYS)
    .filter((v) => v.secret)
    .map((v) => v.key),
  ...Object.values(SLACK_ENV_KEYS)
    .filter((v) => v.secret)
    .map((v) => `slack.${v.key}`),
  ...Object.values(DISCORD_ENV_KEYS)
    .filter((v) => v.secret)
    .map((v) => `discord.${v.key}`),
  ...Object.values(HEARTBEAT_ENV_KEYS)
    .filter((v) => v.secret)
    .map((v) => `heartbeat.${v.key}`),
  'console.sessionSecret',
]);
/** Tokens inside nested sections: GITHUB_TOKEN, the LLM's API key. */
const NESTED_SECRETS = new Set(['incidents.github.token', 'incidents.llm.apiKey']);

const isSecretPath = (path: PropertyKey[]): boolean =>
  SECRET_KEYS.has(String(path[0] ?? '')) ||
  NESTED_SECRETS.has(path.slice(0, 3).map(String).join('.')) ||
  // A problem reported on a whole section that holds a token shows none of its values.
  (path[0] === 'incidents' && path.length <= 2 && (path[1] === 'github' || path[1] === 'llm')) ||
  SECRET_KEYS.has(path.slice(0, 2).map(String).join('.')) ||
  // The whole section holds tokens: a problem reported on it shows none of its values.
  ((path[0] === 'slack' || path[0] === 'discord' || path[0] === 'heartbeat' || path[0] === 'console') && path.length < 2) ||
  // A password hash is not the password, but it lets anyone holding it guess offline.
  (path[0] === 'console' && path[1] === 'people' && (path.length < 4 || path[3] === 'passwordHash')) ||
  // A routing key is an ingest credential: a problem on a source (or the list) shows none of it.
  (path[0] === 'alerts' && (path.length <= 3 || path[3] === 'routingKey' || path[3] === 'routingKeyFromEnv'));

export type ConfigError = { code: 'invalid_config'; message: string; problems: string[] };

type Env = Record<string, string | undefined>;

export function loadConfig(env: Env = process.env): Result<Config, ConfigError> {
  const file = readConfigFile(env);
  if (!file.ok) return file;
  const fromEnv: Record<string, unknown> = {};
  const origin: Record<string, string> = {};
  for (const [name, { key }] of Object.entries(ENV_KEYS)) {
    const value = env[name];
    if (value !== undefined && value !== '') {
      fromEnv[key] = value;
      origin[key] = name;
    }
  }
  const slack = readSectionEnv('slack', SLACK_ENV_KEYS, env, file.value.data.slack, origin);
  const discord = readSectionEnv('discord', DISCORD_ENV_KEYS, env, file.value.data.discord, origin);
  const heartbeat = readSectionEnv('heartbeat', HEARTBEAT_ENV_KEYS, env, file.value.data.heartbeat, origin);
  const consoleSection = readSectionEnv('console', CONSOLE_ENV_KEYS, env, file.value.data.console, origin);
  const roles = readRolesEnv(env, file.value.data.roles, origin);
  const incidents = readIncidentsEnv(env, file.value.data.incidents, origin);
  const alerts = file.value.data.alerts === undefined ? undefined : readAlertsEnv(file.value.data.alerts, env);
  const environmentNames = Object.keys(env).filter((name) => env[name] !== undefined && env[name] !== '');
  const merged = { ...file.value.data, ...fromEnv, ...(slack === undefined ? {} : { slack }), ...(discord === undefined ? {} : { discord }), ...(heartbeat === undefined ? {} : { heartbeat }), ...(consoleSection === undefined ? {} : { console: consoleSection }), ...(roles === undefined ? {} : { roles }), ...(incidents === undefined ? {} : { incidents }), ...(alerts === undefined ? {} : { alerts }), environmentNames };
  const parsed = Config.safeParse(merged);
  if (parsed.success) return ok(parsed.data);
  const problems = parsed.error.issues.map((issue) => {
    const path = issue.path.join('.');
    const top = String(issue.path[0] ?? '');
    const where = origin[path] ?? origin[issue.path.slice(0, 2).join('.')] ?? origin[top] ?? (path ? `${file.value.path ?? 'config'}: ${path}` : 'config');
    // A half-configured Slack or Discord names what is missing; there is nothing found to show.
    if ((path === 'slack' || path === 'discord' || path === 'console') && issue.code === 'custom') return issue.message;
    const found = isSecretPath(issue.path) ? '(hidden)' : describe(valueAt(merged, issue.path));
    return `${where}: ${issue.message}; found ${found}`;
  });
  return err({
    code: 'invalid_config',
    message: `Invalid configuration (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n  - ${problems.join('\n  - ')}`,
    problems,
  });
}

/** The file's `slack:` (or `discord:`) mapping with its variables over it; undefined when neither sets anything. */
function readSectionEnv(section: string, keys: Record<string, { key: string }>, env: Env, fromFile: unknown, origin: Record<string, string>): unknown {
  // Not a mapping: hand it to zod as it is, which names the problem.
  if (fromFile !== undefined && (fromFile === null || typeof fromFile !== 'object' || Array.isArray(fromFile))) return fromFile;
  const merged: Record<string, unknown> = { ...(fromFile ?? {}) };
  for (const [name, { key }] of Object.entries(keys)) {
    const value = env[name];
    if (value === undefined || value === '') continue;
    merged[key] = value;
    origin[`${section}.${key}`] = name;
  }
  return Object.keys(merged).length > 0 || fromFile !== undefined ? merged : undefined;
}

/** The file's `roles:` mapping with TRIAGE_RESPONDERS / _APPROVERS / _ADMINS over it. */
function readRolesEnv(env: Env, fromFile: unknown, origin: Record<string, string>): unknown {
  if (fromFile !== undefined && (fromFile === null || typeof fromFile !== 'object' || Array.isArray(fromFile))) return fromFile;
  const roles: Record<string, unknown> = { ...(fromFile ?? {}) };
  let set = fromFile !== undefined;
  for (const [name, key] of Object.entries(ROLE_ENV_KEYS)) {
    const value = env[name];
    if (value === undefined || value.trim() === '') continue;
    roles[key] = value.split(',').map((m) => m.trim()).filter(Boolean);
    origin[`roles.${key}`] = name;
    set = true;
  }
  return set ? roles : undefined;
}

/**
 * GITHUB_TOKEN + GITHUB_REPOSITORY turn on GitHub Issues for preventive tickets; TRIAGE_LLM_API_KEY
 * is the key of the LLM configured under incidents.llm (its url and model stay in the file).
 */
function readIncidentsEnv(env: Env, fromFile: unknown, origin: Record<string, string>): unknown {
  if (fromFile !== undefined && (fromFile === null || typeof fromFile !== 'object' || Array.isArray(fromFile))) return fromFile;
  const incidents: Record<string, unknown> = { ...(fromFile as Record<string, unknown> | undefined) };
  const section = (key: string): Record<string, unknown> => {
    const current = incidents[key];
    const copy = current && typeof current === 'object' && !Array.isArray(current) ? { ...(current as Record<string, unknown>) } : {};
    incidents[key] = copy;
    return copy;
  };
  let set = fromFile !== undefined;
  if (env.GITHUB_TOKEN || env.GITHUB_REPOSITORY) {
    const github = section('github');
    if (env.GITHUB_TOKEN) {
      github.token = env.GITHUB_TOKEN;
      origin['incidents.github'] = 'GITHUB_TOKEN';
    }
    if (env.GITHUB_REPOSITORY) {
      github.repository = env.GITHUB_REPOSITORY;
      origin['incidents.github'] ??= 'GITHUB_REPOSITORY';
    }
    set = true;
  }
  if (env.TRIAGE_LLM_API_KEY) {
    section('llm').apiKey = env.TRIAGE_LLM_API_KEY;
    origin['incidents.llm'] = 'TRIAGE_LLM_API_KEY';
    set = true;
  }
  return set ? incidents : undefined;
}

function readConfigFile(env: Env): Result<{ data: Record<string, unknown>; path?: string }, ConfigError> {
  const explicit = env.TRIAGE_CONFIG;
  const path = explicit ?? 'triage.config.yml';
  if (!existsSync(path)) {
    if (explicit) return err(configError(`TRIAGE_CONFIG: file ${explicit} does not exist`));
    return ok({ data: {} });
  }
  try {
    const data: unknown = parseYaml(readFileSync(path, 'utf8'));
    if (data === null || data === undefined) return ok({ data: {}, path });
    if (typeof data !== 'object' || Array.isArray(data)) {
      return err(configError(`${path}: expected a mapping at the top level; found ${describe(data)}`));
    }
    return ok({ data: data as Record<string, unknown>, path });
  } catch (e) {
    return err(configError(`${path}: not valid YAML (${(e as Error).message.split('\n')[0]})`));
  }
}

function configError(problem: string): ConfigError {
  return { code: 'invalid_config', message: `Invalid configuration:\n  - ${problem}`, problems: [problem] };
}

function valueAt(obj: unknown, path: PropertyKey[]): unknown {
  let cur = obj;
  for (const p of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[p];
  }
  return cur;
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  // A URL may carry credentials (https://user:pass@host, PLATFORM_URL): shown without them.
  const shown = typeof value === 'string' ? value.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#]*@/i, '$1***@') : value;
  const text = JSON.stringify(shown) ?? String(shown);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
