import { createHash, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { IngestAuth } from './ingest-token.js';

/*
 * The `alerts:` section of triage.config.yml: the PagerDuty Events v2 senders Triage tells apart.
 * Each source has its own routing key (the PagerDuty "integration key" its sender is configured
 * with), so its cards say where they came from (origin `pagerduty:<name>`) and one leaked key can
 * be replaced without touching the others. The ingest token is accepted as a routing key too,
 * under the name 'default', so a first sender works with no config at all.
 *
 *   alerts:
 *     sources:
 *       - name: langfuse
 *         routingKeyEnv: LANGFUSE_ROUTING_KEY   # the key stays out of the committed file
 *       - name: grafana-oncall
 *         routingKey: 0123456789abcdef0123456789abcdef
 */

/** The source name under which the ingest token is accepted as a routing key. */
export const DEFAULT_SOURCE = 'default';

const SourceName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_.-]{0,59}$/i, 'must be 1-60 letters, digits, "-", "_" or "." (it becomes part of the alert origin, pagerduty:<name>)')
  .refine((name) => name.toLowerCase() !== DEFAULT_SOURCE, `"${DEFAULT_SOURCE}" is the name of the ingest token used as a routing key; choose another`);
// PagerDuty's keys are 32 characters; any key at least as hard to guess as the ingest token is fine.
const RoutingKey = z
  .string()
  .min(16, 'must be at least 16 characters')
  .max(200, 'must be at most 200 characters')
  .regex(/^\S+$/, 'must not contain spaces');
const EnvName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be the name of an environment variable');

/**
 * One sender, as the file declares it. readAlertsEnv (run by the config loader, which alone reads
 * the environment) puts the value of `routingKeyEnv` in `routingKeyFromEnv` before this parses.
 */
export const AlertSourceConfig = z
  .object({
    name: SourceName,
    routingKey: RoutingKey.optional(),
    routingKeyEnv: EnvName.optional(),
    routingKeyFromEnv: RoutingKey.optional(),
  })
  .superRefine((source, ctx) => {
    if (source.routingKey !== undefined && source.routingKeyEnv !== undefined) {
      ctx.addIssue({ code: 'custom', message: 'set routingKey or routingKeyEnv, not both' });
    } else if (source.routingKeyEnv !== undefined && source.routingKeyFromEnv === undefined) {
      ctx.addIssue({ code: 'custom', path: ['routingKeyEnv'], message: `names ${source.routingKeyEnv}, which is not set (or is empty)` });
    } else if (source.routingKey === undefined && source.routingKeyEnv === undefined) {
      ctx.addIssue({ code: 'custom', message: 'needs routingKey, or routingKeyEnv naming the environment variable that holds it' });
    }
  })
  .transform((source) => ({ name: source.name, routingKey: (source.routingKey ?? source.routingKeyFromEnv)! }));
export type AlertSourceConfig = z.infer<typeof AlertSourceConfig>;

export const AlertsConfig = z
  .object({ sources: z.array(AlertSourceConfig).max(100).default([]) })
  .superRefine(({ sources }, ctx) => {
    sources.forEach((source, i) => {
      if (sources.findIndex((s) => s.name.toLowerCase() === source.name.toLowerCase()) !== i) {
        ctx.addIssue({ code: 'custom', path: ['sources', i, 'name'], message: `"${source.name}" is named twice; each source needs its own name` });
      }
      // Names only: the message must not show the key.
      // A source whose own entry failed has no key yet (zod still runs this check): not a duplicate.
      if (typeof source.routingKey === 'string' && sources.findIndex((s) => s.routingKey === source.routingKey) !== i) {
        ctx.addIssue({ code: 'custom', path: ['sources', i], message: `${source.name} has the same routing key as another source; each source needs its own key, or its alerts cannot be told apart` });
      }
    });
  })
  .prefault({});
export type AlertsConfig = z.infer<typeof AlertsConfig>;

type Env = Record<string, string | undefined>;

/**
 * The file's `alerts:` section with each `routingKeyEnv`'s value beside it (as routingKeyFromEnv),
 * for AlertsConfig to parse. Anything that is not the expected shape is handed on as it is, for
 * zod to name the problem.
 */
export function readAlertsEnv(fromFile: unknown, env: Env): unknown {
  if (fromFile === null || typeof fromFile !== 'object' || Array.isArray(fromFile)) return fromFile;
  const sources = (fromFile as { sources?: unknown }).sources;
  if (!Array.isArray(sources)) return fromFile;
  return {
    ...fromFile,
    sources: sources.map((source: unknown) => {
      if (source === null || typeof source !== 'object') return source;
      const named = (source as { routingKeyEnv?: unknown }).routingKeyEnv;
      const value = typeof named === 'string' ? env[named] : undefined;
      // Always overwritten: a routingKeyFromEnv written in the file is not a key from the environment.
      return { ...source, routingKeyFromEnv: value || undefined };
    }),
  };
}

/** Which source a routing key belongs to; a refusal carries no detail, so nothing about any key leaks. */
export type RoutingKeyMatch = { ok: true; source: string } | { ok: false };
export type RoutingKeyLookup = (key: string) => RoutingKeyMatch;

const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

/**
 * The lookup PagerDuty routes ask. Every configured key is compared on every call, in constant
 * time on equal-length digests (as src/intake/ingest-token.ts does for the ingest token), so the
 * time taken says nothing about how close a guess was or which source it nearly matched. The
 * ingest token (and, while it is rotated, the previous one) is checked through `ingestAuth`,
 * which counts use of the previous token.
 */
export function createRoutingKeyLookup(sources: readonly AlertSourceConfig[], ingestAuth: IngestAuth): RoutingKeyLookup {
  const known = sources.map((s) => ({ name: s.name, digest: digest(s.routingKey) }));
  return (key) => sourceForRoutingKey(key, known, ingestAuth);
}

export function sourceForRoutingKey(key: string, known: ReadonlyArray<{ name: string; digest: Buffer }>, ingestAuth: IngestAuth): RoutingKeyMatch {
  const sent = digest(key);
  let matched: string | undefined;
  for (const source of known) if (timingSafeEqual(sent, source.digest) && matched === undefined) matched = source.name;
  // A key with whitespace cannot be a bearer token; the header form is how ingestAuth compares.
  const ingest = /^\S+$/.test(key) && ingestAuth(`Bearer ${key}`).ok;
  if (matched !== undefined) return { ok: true, source: matched };
  return ingest ? { ok: true, source: DEFAULT_SOURCE } : { ok: false };
}
