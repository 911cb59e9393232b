import { readFileSync, existsSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { OutboxOptions } from './chat/outbox/model.js';
import { DoctorConfig } from './doctor/config.js';
import { Routing } from './insights/routing.js';
import { type Result, ok, err } from './result.js';

/**
 * One schema for the environment plus the optional triage.config.yml. Environment wins over the
 * file so a deployment can override a committed file without editing it.
 */
/**
 * Slack is on when any of its credentials or SLACK_CHANNEL is set. A channel map alone does not
 * turn it on: triage.config.yml is committed and shared, the tokens come per deployment.
 * HTTP mode (Events API at POST /slack/events) needs the bot token, the signing secret and a
 * channel; Socket Mode (SLACK_APP_TOKEN) needs the bot token, the app token and a channel.
 */
export const SlackConfig = z
  .object({
    botToken: z.string().startsWith('xoxb-', 'must be a bot token (xoxb-...)').optional(),
    signingSecret: z.string().min(1).optional(),
    appToken: z.string().startsWith('xapp-', 'must be an app-level token (xapp-...)').optional(),
    apiUrl: z.url({ protocol: /^https?$/ }).optional(),
    /** The Slack channel id every logical channel goes to unless `channels` names another. */
    channel: z.string().min(1).optional(),
    /** Logical channel (routing's 'ops', 'leads') → Slack channel id. */
    channels: z.record(z.string(), z.string().min(1)).default({}),
  })
  .superRefine((slack, ctx) => {
    const missing = missingSlackSettings(slack);
    if (missing.length > 0) ctx.addIssue({ code: 'custom', message: `Slack is half-configured: missing ${missing.join(', ')}` });
  });
export type SlackConfig = z.infer<typeof SlackConfig>;

export const slackEnabled = (slack: Pick<SlackConfig, 'botToken' | 'signingSecret' | 'appToken' | 'channel'>): boolean =>
  Boolean(slack.botToken || slack.signingSecret || slack.appToken || slack.channel);

function missingSlackSettings(slack: Omit<SlackConfig, 'channels'> & { channels?: Record<string, string> }): string[] {
  if (!slackEnabled(slack)) return [];
  const missing: string[] = [];
  if (!slack.botToken) missing.push('SLACK_BOT_TOKEN');
  // Socket Mode authenticates the connection with the app token instead of signing requests.
  if (!slack.appToken && !slack.signingSecret) missing.push('SLACK_SIGNING_SECRET (or SLACK_APP_TOKEN for Socket Mode)');
  if (!slack.channel && Object.keys(slack.channels ?? {}).length === 0) missing.push('SLACK_CHANNEL (or slack.channels in triage.config.yml)');
  return missing;
}

/**
 * Who may do what. Members are `platform:userId` (`slack:U0123ABC`, `console:mike`), or a group:
 * `slack-group:S0123ABC` (a Slack user group), `discord-role:123…`. Roles are ordered: an admin
 * may do what an approver may, an approver what a responder may; everyone else is a viewer.
 */
export const RoleMember = z
  .string()
  .trim()
  .regex(/^(slack|discord|console|slack-group|discord-role):[^\s,:]+$/, 'a member like slack:U0123ABC, console:mike or slack-group:S0123ABC');
export const RolesConfig = z
  .object({
    responders: z.array(RoleMember).default([]),
    approvers: z.array(RoleMember).default([]),
    admins: z.array(RoleMember).default([]),
    /** The requester of an approval cannot approve it themselves. */
    twoPersonRule: z.boolean().default(true),
  })
  .prefault({});
export type RolesConfig = z.infer<typeof RolesConfig>;

/** How recovery actions call the platform and how long they may take. */
export const ActionsConfig = z
  .object({
    /** A restarted runtime must send a heartbeat within this, or the restart is reported failed. */
    heartbeatTimeoutSeconds: z.number().int().positive().max(600).default(60),
    /** Each platform call's own deadline. */
    platformTimeoutMs: z.number().int().positive().default(10_000),
    /** Tries per platform call, the first included (full-jitter backoff between them). */
    platformAttempts: z.number().int().min(1).max(10).default(3),
    /** Consecutive failed calls that open the platform's circuit breaker, and for how long. */
    breakerFailures: z.number().int().min(1).default(5),
    breakerOpenSeconds: z.number().positive().default(30),
  })
  .prefault({});
export type ActionsConfig = z.infer<typeof ActionsConfig>;

export const ApprovalsConfig = z
  .object({
    /** The override requested when a routine exhausts its budget (the seed's +$5.00). */
    budgetOverrideUsd: z.number().positive().default(5),
    /** The most one /budget request may ask for: a typo of 5000 instead of 50 is refused. */
    maxOverrideUsd: z.number().positive().default(1_000),
  })
  .prefault({});
export type ApprovalsConfig = z.infer<typeof ApprovalsConfig>;

/** Incidents, their post-mortem minutes and the improvement loop. */
export const IncidentsConfig = z
  .object({
    /** Two or more critical insights within this window open (or join) one incident. */
    correlationMinutes: z.number().positive().default(10),
    /** Logical channel of incident header cards. */
    channel: z.string().min(1).default('ops'),
    /** Optional LLM that polishes the minutes' prose; deterministic minutes without it. */
    llm: z
      .object({
        provider: z.enum(['openai', 'anthropic']),
        /** OpenAI-compatible base URL (…/v1) or Anthropic's (https://api.anthropic.com). */
        url: z.url({ protocol: /^https?$/ }),
        model: z.string().min(1),
        apiKey: z.string().min(1).optional(),
        timeoutMs: z.number().int().positive().default(20_000),
      })
      .optional(),
    github: z
      .object({
        token: z.string({ error: 'GITHUB_TOKEN is needed with GITHUB_REPOSITORY' }).min(1),
        /** owner/name */
        repository: z.string({ error: 'GITHUB_REPOSITORY (owner/name) is needed with GITHUB_TOKEN' }).regex(/^[\w.-]+\/[\w.-]+$/, 'owner/name'),
        apiUrl: z.url({ protocol: /^https?$/ }).optional(),
      })
      .optional(),
    /** node-cron expression for the weekly digest (default Monday 09:00); 'off' disables it. */
    digestCron: z.string().default('0 9 * * 1'),
  })
  .prefault({});
export type IncidentsConfig = z.infer<typeof IncidentsConfig>;

export const LogLevel = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

const port = z.coerce.number().int().min(0).max(65535);

export const Config = z.object({
  databaseUrl: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
  port: port.default(3000),
  host: z.string().min(1).default('127.0.0.1'),
  ingestToken: z.string().min(16, 'must be at least 16 characters').optional(),
  dataDir: z.string().min(1).default('./.triage'),
  platformUrl: z.url({ protocol: /^https?$/ }).optional(),
  platformToken: z.string().min(1).optional(),
  logLevel: LogLevel.default('info'),
  intake: z
    .object({
      maxBodyBytes: z.number().int().positive().default(1024 * 1024),
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
  doctor: DoctorConfig,
  roles: RolesConfig,
  actions: ActionsConfig,
  approvals: ApprovalsConfig,
  incidents: IncidentsConfig,
  /**
   * Names (never values) of the environment variables that are set, read once at load: Doctor's
   * Secrets check reports missing ones without any handler reading process.env.
   */
  environmentNames: z.array(z.string()).default([]),
});
export type Config = z.infer<typeof Config>;

/** Env var → config key. Secrets are listed so errors never echo their values. */
const ENV_KEYS = {
  DATABASE_URL: { key: 'databaseUrl', secret: true },
  PORT: { key: 'port', secret: false },
  HOST: { key: 'host', secret: false },
  INGEST_TOKEN: { key: 'ingestToken', secret: true },
  TRIAGE_DATA_DIR: { key: 'dataDir', secret: false },
  PLATFORM_URL: { key: 'platformUrl', secret: false },
  PLATFORM_TOKEN: { key: 'platformToken', secret: true },
  LOG_LEVEL: { key: 'logLevel', secret: false },
} as const;

/** Env var → list inside `roles` (comma-separated members), replacing the file's list. */
const ROLE_ENV_KEYS = { TRIAGE_RESPONDERS: 'responders', TRIAGE_APPROVERS: 'approvers', TRIAGE_ADMINS: 'admins' } as const;

/** Env var → key inside `slack`, merged over the file's `slack:` section. */
const SLACK_ENV_KEYS = {
  SLACK_BOT_TOKEN: { key: 'botToken', secret: true },
  SLACK_SIGNING_SECRET: { key: 'signingSecret', secret: true },
  SLACK_APP_TOKEN: { key: 'appToken', secret: true },
  SLACK_API_URL: { key: 'apiUrl', secret: false },
  SLACK_CHANNEL: { key: 'channel', secret: false },
} as const;

const SECRET_KEYS = new Set<string>([
  ...Object.values(ENV_KEYS)
    .filter((v) => v.secret)
    .map((v) => v.key),
  ...Object.values(SLACK_ENV_KEYS)
    .filter((v) => v.secret)
    .map((v) => `slack.${v.key}`),
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
  (path[0] === 'slack' && path.length < 2);

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
  const slack = readSlackEnv(env, file.value.data.slack, origin);
  const roles = readRolesEnv(env, file.value.data.roles, origin);
  const incidents = readIncidentsEnv(env, file.value.data.incidents, origin);
  const environmentNames = Object.keys(env).filter((name) => env[name] !== undefined && env[name] !== '');
  const merged = { ...file.value.data, ...fromEnv, ...(slack === undefined ? {} : { slack }), ...(roles === undefined ? {} : { roles }), ...(incidents === undefined ? {} : { incidents }), environmentNames };
  const parsed = Config.safeParse(merged);
  if (parsed.success) return ok(parsed.data);
  const problems = parsed.error.issues.map((issue) => {
    const path = issue.path.join('.');
    const top = String(issue.path[0] ?? '');
    const where = origin[path] ?? origin[issue.path.slice(0, 2).join('.')] ?? origin[top] ?? (path ? `${file.value.path ?? 'config'}: ${path}` : 'config');
    // A half-configured Slack names what is missing; there is nothing found to show.
    if (path === 'slack' && issue.code === 'custom') return issue.message;
    const found = isSecretPath(issue.path) ? '(hidden)' : describe(valueAt(merged, issue.path));
    return `${where}: ${issue.message}; found ${found}`;
  });
  return err({
    code: 'invalid_config',
    message: `Invalid configuration (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n  - ${problems.join('\n  - ')}`,
    problems,
  });
}

/** The file's `slack:` mapping with SLACK_* variables over it; undefined when neither sets anything. */
function readSlackEnv(env: Env, fromFile: unknown, origin: Record<string, string>): unknown {
  // Not a mapping: hand it to zod as it is, which names the problem.
  if (fromFile !== undefined && (fromFile === null || typeof fromFile !== 'object' || Array.isArray(fromFile))) return fromFile;
  const slack: Record<string, unknown> = { ...(fromFile ?? {}) };
  for (const [name, { key }] of Object.entries(SLACK_ENV_KEYS)) {
    const value = env[name];
    if (value === undefined || value === '') continue;
    slack[key] = value;
    origin[`slack.${key}`] = name;
  }
  return Object.keys(slack).length > 0 || fromFile !== undefined ? slack : undefined;
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
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
