import { z } from 'zod';

/** Doctor's slice of triage.config.yml (`doctor:`). Every check reads only its own part. */
const ProviderProbe = z.object({
  /** Matches the platform's provider id or name (case-insensitive) to combine with its error rate. */
  id: z.string().min(1),
  name: z.string().min(1).optional(),
  /** Probed with GET; any HTTP answer below 500 counts as reachable (401 without a key is fine). */
  url: z.url({ protocol: /^https?$/ }),
  degradedAfterMs: z.number().int().positive().default(2_000),
});
export type ProviderProbe = z.infer<typeof ProviderProbe>;

const McpServerProbe = z.discriminatedUnion('transport', [
  z.object({ id: z.string().min(1), transport: z.literal('http'), url: z.url({ protocol: /^https?$/ }) }),
  z.object({
    id: z.string().min(1),
    transport: z.literal('stdio'),
    command: z.string().min(1),
    args: z.array(z.string()).default([]),
  }),
]);
export type McpServerProbe = z.infer<typeof McpServerProbe>;

export const DoctorConfig = z
  .object({
    /** Each check's own deadline; a check past it shows TIMEOUT and never delays the report. */
    checkTimeoutMs: z.number().int().positive().max(60_000).default(5_000),
    schedule: z
      .object({
        /** node-cron expression; the default is daily at 09:00 server time. */
        cron: z.string().default('0 9 * * *'),
        /** when_not_healthy: post only if a check is not PASS; always; never (off). */
        post: z.enum(['when_not_healthy', 'always', 'never']).default('when_not_healthy'),
        /** Logical channel (routing's names): 'ops' unless set. */
        channel: z.string().min(1).default('ops'),
      })
      .prefault({}),
    backup: z
      .object({
        /** A directory (newest file inside) or a glob like /backups/*.dump; else backup.completed events. */
        path: z.string().min(1).optional(),
        warnAfterHours: z.number().positive().default(24),
        failAfterHours: z.number().positive().default(72),
      })
      .refine((b) => b.warnAfterHours < b.failAfterHours, { message: 'warnAfterHours must be below failAfterHours' })
      .prefault({}),
    providers: z.array(ProviderProbe).default([]),
    mcpServers: z.array(McpServerProbe).default([]),
    /** Names of environment variables that must be set (values are never read into reports). */
    requiredSecrets: z.array(z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'an environment variable name')).default([]),
    /** Credentials expiring within this many days are a WARNING. */
    credentialWarnDays: z.number().positive().default(7),
    /** Outbox rows pending longer than this mean delivery is stuck. */
    outboxStuckAfterMinutes: z.number().positive().default(10),
  })
  .prefault({});
export type DoctorConfig = z.infer<typeof DoctorConfig>;
