import type { Database } from '../../src/db/client.js';
import { createLeadership, type LeadershipOptions } from '../../src/cluster/leadership.js';
import { leaseState } from '../../src/cluster/lease.js';
import type { Logger } from '../../src/observability/logger.js';
import { ok, type Result } from '../../src/result.js';
import type { GatewaySession, GatewayStatus } from './gateway.js';

/**
 * Discord gives a bot's interactions to one gateway session, so with several replicas exactly one
 * holds it: the holder of the lease `discord-gateway` (src/cluster/leadership.ts, the same design
 * as the evaluator's, docs/architecture.md "Several replicas behave as one"). Losing the lease
 * destroys the session; when the holder dies another replica takes the lease within its ttl and
 * identifies anew. Work acknowledged by the old holder is on record (src/chat/pending-work.ts),
 * so any replica finishes it.
 */
export const GATEWAY_LEASE = 'discord-gateway';

export type GatewayHolderDeps = {
  database: Database;
  holder: string;
  logger: Logger;
  /** Opens a session; `giveUp` is how it says it cannot go on (too many reconnects, a bad token). */
  open(giveUp: (reason: string) => void): Promise<GatewaySession>;
  lease?: Partial<LeadershipOptions>;
  /** How long a replica that gave its session up waits before asking for the lease again. */
  pauseAfterGiveUpMs?: number;
};

export type GatewayHolderStatus = { holding: boolean; holder?: string; session?: GatewayStatus };

export type GatewayHolder = {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** For /doctor: whether this replica holds the session, who does otherwise, and its counts. */
  status(): Promise<GatewayHolderStatus>;
};

export function gatewayHolder(deps: GatewayHolderDeps): GatewayHolder {
  let session: GatewaySession | undefined;
  let stopping = false;
  let pause: NodeJS.Timeout | undefined;

  const giveUp = (reason: string): void => {
    deps.logger.warn({ reason }, 'Discord gateway: giving the session up for another replica');
    void leadership.stop().then(() => {
      if (stopping) return;
      pause = setTimeout(() => void leadership.start(), deps.pauseAfterGiveUpMs ?? 30_000);
    });
  };

  const leadership = createLeadership({
    database: deps.database,
    name: GATEWAY_LEASE,
    holder: deps.holder,
    logger: deps.logger,
    ...(deps.lease ? { options: deps.lease } : {}),
    onElected: async () => {
      try {
        session = await deps.open(giveUp);
      } catch (error) {
        // A bad token or an unreachable gateway: the lease goes back at once (createLeadership), and
        // this replica waits before asking again rather than knocking every retryEveryMs.
        deps.logger.error({ err: error }, 'Discord gateway: could not open a session');
        giveUp('could not open a session');
        throw error;
      }
    },
    onDeposed: async (_tenure, reason) => {
      const ending = session;
      session = undefined;
      deps.logger.info({ reason }, 'Discord gateway: closing the session');
      await ending?.destroy();
    },
  });

  return {
    start: () => leadership.start(),
    stop: async () => {
      stopping = true;
      clearTimeout(pause);
      await leadership.stop();
    },
    status: async () => {
      if (leadership.current() && session) return { holding: true, holder: deps.holder, session: session.status() };
      const state = await leaseState(deps.database, GATEWAY_LEASE);
      const live = state && state.expiresAt.getTime() > Date.now();
      return { holding: false, ...(live ? { holder: state.holder } : {}) };
    },
  };
}

/** Doctor's line for the bot token, with where the gateway session is: `bot Triage; gateway: held here, connected, 1 resume`. */
export async function withGatewayStatus(token: Promise<Result<string, string>>, gateway: GatewayHolder): Promise<Result<string, string>> {
  const checked = await token;
  if (!checked.ok) return checked;
  const status = await gateway.status().catch(() => undefined);
  return ok(`${checked.value}; gateway: ${describeGateway(status)}`);
}

function describeGateway(status: GatewayHolderStatus | undefined): string {
  if (!status) return 'unknown (the lease could not be read)';
  if (!status.holding) return status.holder ? `held by replica ${status.holder}` : 'no replica holds the session (one takes it within seconds)';
  const session = status.session;
  if (!session) return 'held here';
  const counts = `${session.reconnects} reconnect${session.reconnects === 1 ? '' : 's'}, ${session.resumes} resume${session.resumes === 1 ? '' : 's'}`;
  return `held here, ${session.connected ? 'connected' : 'reconnecting'}, ${counts}, ${session.interactions} interactions received`;
}
