import { z } from 'zod';
import { parsePasswordHash } from './auth/password-hash.js';
import { policyProblem } from './remediation/check.js';

/*
 * The sections of the config that belong to one concern each (Slack, roles, actions, approvals,
 * incidents), apart from the loader in config.ts, which re-exports them.
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
    /** The signing secret being rotated out: signatures made with it are accepted too, and counted. */
    signingSecretPrevious: z.string().min(1).optional(),
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
    if (slack.signingSecretPrevious && !slack.signingSecret) {
      ctx.addIssue({ code: 'custom', message: 'SLACK_SIGNING_SECRET_PREVIOUS is set but SLACK_SIGNING_SECRET is not; the previous signing secret is only accepted alongside a current one (set the new secret as SLACK_SIGNING_SECRET)' });
    }
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

/** Discord ids (snowflakes) are decimal digits. */
const Snowflake = z.string().regex(/^\d{5,25}$/, 'a Discord id (digits, e.g. 1234567890123456789)');

export const DiscordConfig = z
  .object({
    botToken: z.string().min(20, 'must be the bot token from the Developer Portal (Bot → Reset Token)').optional(),
    /** The application's public key: interactions are signed with its private half (Ed25519). */
    publicKey: z.string().regex(/^[0-9a-f]{64}$/i, 'must be the 64-hex-character Public Key from General Information').optional(),
    applicationId: Snowflake.optional(),
    /** Registers the slash commands in this server only, where they appear at once. */
    guildId: Snowflake.optional(),
    apiUrl: z.url({ protocol: /^https?$/ }).optional(),
    /** The Discord channel id every logical channel goes to unless `channels` names another. */
    channel: Snowflake.optional(),
    channels: z.record(z.string(), Snowflake).default({}),
    /** How commands and buttons arrive: the gateway (`on`), HTTP interactions (`off`), or `auto`: the gateway when there is no public key. */
    gateway: z.enum(['on', 'off', 'auto']).optional(),
  })
  .superRefine((discord, ctx) => {
    const missing = missingDiscordSettings(discord);
    if (missing.length > 0) ctx.addIssue({ code: 'custom', message: `Discord is half-configured: missing ${missing.join(', ')}` });
  });
export type DiscordConfig = z.infer<typeof DiscordConfig>;

export const discordEnabled = (discord: Pick<DiscordConfig, 'botToken' | 'publicKey' | 'applicationId' | 'channel'>): boolean =>
  Boolean(discord.botToken || discord.publicKey || discord.applicationId || discord.channel);

/**
 * Whether commands and buttons come over Discord's gateway (no public URL needed) rather than
 * signed HTTP requests. Unset means `auto`: the gateway when there is no public key to verify
 * HTTP interactions with. One mode per application: Discord sends interactions over the gateway
 * only while the application has no Interactions Endpoint URL.
 */
export const discordUsesGateway = (discord: Pick<DiscordConfig, 'gateway' | 'publicKey'>): boolean =>
  discord.gateway === 'on' || ((discord.gateway ?? 'auto') === 'auto' && !discord.publicKey);

function missingDiscordSettings(discord: Omit<DiscordConfig, 'channels'> & { channels?: Record<string, string> }): string[] {
  if (!discordEnabled(discord)) return [];
  const missing: string[] = [];
  if (!discord.botToken) missing.push('DISCORD_BOT_TOKEN');
  if (!discord.publicKey && !discordUsesGateway(discord)) missing.push('DISCORD_PUBLIC_KEY (or DISCORD_GATEWAY=auto for gateway mode)');
  if (!discord.applicationId) missing.push('DISCORD_APPLICATION_ID');
  if (!discord.channel && Object.keys(discord.channels ?? {}).length === 0) missing.push('DISCORD_CHANNEL (or discord.channels in triage.config.yml)');
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

/**
 * The web console's login (docs/architecture.md, "Console login"). With people listed, every
 * console route needs a signed session cookie, wherever Triage listens; without, the console is
 * the zero-setup default on loopback only. Passwords are kept as scrypt hashes.
 */
export const ConsolePerson = z
  .object({
    id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'an id like mike (letters, digits, . _ -); roles name the person as console:<id>'),
    name: z.string().trim().min(1).max(100),
    passwordHash: z.string(),
  })
  .superRefine((person, ctx) => {
    const parsed = parsePasswordHash(person.passwordHash);
    if (!parsed.ok) {
      ctx.addIssue({ code: 'custom', path: ['passwordHash'], message: `the password hash of "${person.id}" ${parsed.error}; make one with \`npm run console-password\`` });
    }
  });
export type ConsolePerson = z.infer<typeof ConsolePerson>;

export const ConsoleConfig = z
  .object({
    people: z.array(ConsolePerson).default([]),
    /** Signs session cookies; the same on every replica, so a cookie from one works on all. */
    sessionSecret: z.string().min(32, 'must be at least 32 characters (make one with: openssl rand -base64 48)').optional(),
    sessionHours: z.number().positive().max(24 * 7).default(12),
  })
  .superRefine((section, ctx) => {
    const ids = section.people.map((p) => p.id);
    const twice = [...new Set(ids.filter((id, i) => ids.indexOf(id) !== i))];
    if (twice.length) ctx.addIssue({ code: 'custom', message: `console.people lists ${twice.map((id) => `"${id}"`).join(', ')} more than once; each person needs one entry` });
    if (section.people.length && !section.sessionSecret) {
      ctx.addIssue({ code: 'custom', message: 'console.people is set but no session secret: set TRIAGE_CONSOLE_SESSION_SECRET (or console.sessionSecret) to 32 or more random characters, e.g. openssl rand -base64 48, the same on every replica' });
    }
  })
  .prefault({});
export type ConsoleConfig = z.infer<typeof ConsoleConfig>;

/** Console login is on when anyone may log in; the session secret is then required. */
export const consoleLoginConfigured = (section: Pick<ConsoleConfig, 'people'>): boolean => section.people.length > 0;

/**
 * At most `maxRuns` runs of one action on one target within `windowMinutes` (src/remediation/bound.ts).
 * A day at most: the runs are counted from action_requests, which retention may keep for one day only.
 */
const maxRuns = z.number().int().min(1).max(50);
const windowMinutes = z.number().positive().max(24 * 60, 'at most 1440 (a day): runs are counted from action records, which retention may keep for a day only');

/**
 * One failure kind allowed to run one safe action by itself (src/remediation/, README "Remediation
 * policies"). `when` lists facts the insight must show (runtime_unreachable's `oom: true`).
 */
export const RemediationPolicy = z.strictObject({
  name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,47}$/, 'a name like restart-oom-runtimes (lower-case letters, digits and -, at most 48)'),
  kind: z.string().min(1),
  action: z.string().min(1),
  when: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({}),
  maxRuns: maxRuns.default(2),
  windowMinutes: windowMinutes.default(30),
});
export type RemediationPolicy = z.infer<typeof RemediationPolicy>;

/**
 * Off by default: no policy, so nothing runs by itself. The restart bound applies with or without
 * policies: a runtime, worker or MCP server restarted more than `maxRuns` times in the window is a
 * restart loop, and gets an escalation card (the self-healing research's supervisor: 3 restarts).
 */
export const RemediationConfig = z
  .object({
    policies: z.array(RemediationPolicy).default([]),
    restartBound: z.strictObject({ maxRuns: maxRuns.default(3), windowMinutes: windowMinutes.default(30) }).prefault({}),
  })
  .superRefine((section, ctx) => {
    const seen = new Map<string, string>();
    section.policies.forEach((policy, i) => {
      const clash = [...seen].find(([name, kind]) => name === policy.name || kind === policy.kind);
      if (clash) {
        const why = clash[0] === policy.name ? 'its name is taken' : `policy "${clash[0]}" already acts on ${policy.kind}; one policy per kind`;
        ctx.addIssue({ code: 'custom', path: ['policies', i, clash[0] === policy.name ? 'name' : 'kind'], message: `policy "${policy.name}": ${why}` });
      }
      seen.set(policy.name, policy.kind);
      const problem = policyProblem(policy);
      if (problem) ctx.addIssue({ code: 'custom', path: ['policies', i, problem.field], message: `policy "${policy.name}": ${problem.message}` });
    });
  })
  .prefault({});
export type RemediationConfig = z.infer<typeof RemediationConfig>;
