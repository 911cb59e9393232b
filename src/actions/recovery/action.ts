import { z } from 'zod';
import type { CardInput, Category, Severity } from '../../chat/card.js';
import type { EventType } from '../../events/vocabulary.js';
import type { ActionKind, EntityKind } from '../../insights/catalog/entry.js';
import type { ActionCall, Platform, PlatformError } from '../../platform/port.js';
import { err, ok, type Result } from '../../result.js';
import type { Tickets } from '../../tickets/port.js';
import type { AlertResolver } from '../../alerts/resolver.js';

export type RecoveryDeps = {
  platform: Platform;
  now: () => number;
  heartbeatTimeoutMs: number;
  heartbeatPollMs?: number;
  sleep?: (ms: number) => Promise<void>;
  /**
   * The longest one platform call may take, retries included (guardedCallBudgetMs in
   * src/platform/guarded.ts); deadlines are built from it. Defaults to DEFAULT_PLATFORM_CALL_MS.
   */
  platformCallMs?: number;
  /** For actions that speak to people rather than ask the platform; see Notifier. */
  notifier?: Notifier;
  /** Where recovery actions file tickets (a failed intent's regression case); absent, none is filed. */
  tickets?: Pick<Tickets, 'create'>;
  /** Resolves an external alert in Triage (src/alerts/resolver.ts); absent, resolve_alert says there is none. */
  alerts?: AlertResolver;
};

/**
 * What an action that is a message, not a platform operation, needs (a credential's reminder,
 * src/actions/recovery/checks/remind-credential-owner.ts): Triage's record of what the platform
 * said, and the neutral card sink every chat renders from (src/actions/card-sink.ts), so the
 * core never names Slack or Discord. Built by src/actions/recovery/checks/notifier.ts; absent
 * (a Triage with no chat), such an action says it has nowhere to post.
 */
export type Notifier = {
  /** The attributes of the newest `type` event whose `attribute` is `id`, while Triage keeps it. */
  lastSaid(type: EventType, attribute: string, id: string): Promise<Record<string, unknown> | undefined>;
  /** Shows `card` once per `key` (a repeat updates it) in every channel an insight like `route` goes to; answers those channels. */
  post(input: { key: string; route: { kind: string; category: Category; severity: Severity }; card: CardInput }): Promise<string[]>;
};
/** `call` carries the request's Idempotency-Key to every platform action it sends. */
export type RecoveryInput = { targetId: string; params: unknown; call: ActionCall };
/** What the card shows once it worked: "heartbeat detected ✅ after 4.2 s". */
export type RecoveryDone = { text: string };
export type RecoveryFailed = {
  code: 'platform' | 'no_heartbeat' | Exclude<PlatformError['code'], 'unconfirmed'>;
  text: string;
  /** Whether the card should offer a Retry button: trying again could work without anyone fixing anything. */
  retryable: boolean;
};
export type RecoveryResult = Result<RecoveryDone, RecoveryFailed>;

export type RecoveryAction = {
  kind: ActionKind;
  targetKind: EntityKind;
  /** In the card while it runs: "restarting…" */
  progress: string;
  /** The watchdog marks the request failed after this. */
  deadlineMs(deps: RecoveryDeps): number;
  /** Validated before run; bad params → invalid_input with a clear text. */
  params: z.ZodType;
  // `any` is the contract with the executor, which holds params as parsed JSON; run re-checks them.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  run(deps: RecoveryDeps, input: { targetId: string; params: any; call: ActionCall }): Promise<RecoveryResult>;
};

/** Generous for one platform call with its retries (10 s × 3 tries + backoff with the defaults). */
export const DEFAULT_PLATFORM_CALL_MS = 35_000;
export const platformCallMs = (deps: RecoveryDeps): number => deps.platformCallMs ?? DEFAULT_PLATFORM_CALL_MS;

type Spec<S extends z.ZodType> = Omit<RecoveryAction, 'run' | 'params' | 'deadlineMs'> & {
  params: S;
  deadlineMs?: RecoveryAction['deadlineMs'];
  execute(deps: RecoveryDeps, input: { targetId: string; params: z.output<S>; call: ActionCall }): Promise<RecoveryResult>;
};

/**
 * Every action gets the same outer shell: the target and params are checked before anything is
 * sent to the platform (so the executor cannot forget), and a throw from a bug becomes a
 * 'platform' failure the card can show instead of a request stuck "in progress".
 */
export function defineRecoveryAction<S extends z.ZodType>(spec: Spec<S>): RecoveryAction {
  const { execute, ...rest } = spec;
  return {
    deadlineMs: (deps) => platformCallMs(deps),
    ...rest,
    async run(deps, input) {
      const targetId = typeof input.targetId === 'string' ? input.targetId.trim() : '';
      if (!targetId) return err({ code: 'invalid_input', text: `Nothing to act on: the button names no ${spec.targetKind.replace('_', ' ')}.`, retryable: false });
      const parsed = spec.params.safeParse(input.params ?? {});
      if (!parsed.success) {
        return err({ code: 'invalid_input', text: parsed.error.issues.map((i) => i.message).join('; '), retryable: false });
      }
      try {
        return await execute(deps, { targetId, params: parsed.data, call: input.call });
      } catch (error) {
        const detail = (error as Error | null)?.message ?? String(error);
        return err({ code: 'platform', text: `${spec.kind.replaceAll('_', ' ')} failed unexpectedly: ${detail} ❌`, retryable: false });
      }
    },
  };
}

/**
 * A platform call that did not come back with its answer: a refusal or an outage as the card's
 * failure, or, when the platform accepted it but its answer could not be read, done with a warning.
 */
export function notAnswered(error: PlatformError, done: string): RecoveryResult {
  if (error.code === 'unconfirmed') return ok({ text: `${done} ⚠️ (${error.message})` });
  return err(fromPlatformError(error));
}

/** The one place a platform refusal becomes card text; only outages are worth a Retry button. */
export function fromPlatformError(error: Exclude<PlatformError, { code: 'unconfirmed' }> | PlatformError): RecoveryFailed {
  if (error.code === 'unconfirmed') return { code: 'platform', text: `${error.message} ❌`, retryable: false };
  const retryable = error.code === 'unavailable' || error.code === 'timeout' || error.code === 'unreachable';
  const hint = HINTS[error.code];
  return { code: error.code, text: `${error.message}${hint ? ` ${hint}` : ''} ❌`, retryable };
}

const HINTS: Partial<Record<PlatformError['code'], string>> = {
  not_found: '(it may have been removed; refresh the card)',
  invalid_state: '(nothing was changed)',
  unauthorized: '(nothing was changed)',
};

/** "4.2 s", "60 s": seconds to one decimal, without a trailing ".0". */
export const formatSeconds = (ms: number): string => `${Number((Math.max(0, ms) / 1_000).toFixed(1))} s`;

/** A reason on record with a default: what a card's press sends (src/actions/interactions.ts) or the default, never blank. */
export const cancelReason = (fallback: string) =>
  z
    .string({ error: 'The cancel reason must be text.' })
    .trim()
    .min(1, { error: 'The cancel reason cannot be blank; leave it out to use the default.' })
    .max(500, { error: 'The cancel reason must be at most 500 characters.' })
    .default(fallback);
