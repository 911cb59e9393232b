import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { Database } from '../db/client.js';
import { checkEvent } from '../events/envelope.js';
import type { TypedEvent } from '../events/vocabulary.js';
import type { EventWriter, StoredEvent } from '../intake/event-writer.js';
import { redactUrl } from '../observability/logger.js';
import { createHttpPlatform } from './http-client.js';
import type { Platform } from './port.js';
import { createSimulator, type Simulator } from './simulator/simulator.js';

export type ConnectedPlatform = {
  platform: Platform;
  /** The embedded simulator, when no PLATFORM_URL is configured. */
  simulator?: Simulator;
  /** Folds events of the log into the simulator's model: run by the leader only (src/insights/evaluator.ts). */
  follow?: (events: StoredEvent[]) => void;
  /** Resolves when every batch handed to `follow` has been folded in (shutdown). */
  applied(): Promise<void>;
};

/**
 * A real platform over HTTP when PLATFORM_URL is set; otherwise the embedded simulator, whose
 * own events (a restarted runtime's heartbeat) enter through the same writer as everyone's, and
 * which folds the event log into its model so scenarios change its state. The model lives in
 * the database, so one replica (the leader, which follows the whole log) folds for all.
 */
export async function connectPlatform(config: Config, database: Database, writer: EventWriter, logger: Logger): Promise<ConnectedPlatform> {
  if (config.platformUrl) {
    logger.info({ platform: redactUrl(config.platformUrl) }, 'using the platform at PLATFORM_URL');
    return { platform: createHttpPlatform({ baseUrl: config.platformUrl, token: config.platformToken }), applied: async () => {} };
  }
  const emit = async (events: TypedEvent[]): Promise<void> => {
    const accepted = events.flatMap((e, i) => {
      const checked = checkEvent(e, i);
      return checked.ok ? [checked.event] : [];
    });
    if (accepted.length !== events.length) logger.error({ events: events.map((e) => e.type) }, 'simulator emitted an invalid event');
    await writer.write(accepted);
  };
  const simulator = await createSimulator({
    database,
    emit,
    restartHeartbeatDelayMs: config.simulator.restartHeartbeatDelayMs,
    onError: (error, context) => logger.error({ err: error, context }, 'simulator error'),
  });
  // Applied one batch at a time, in log order: two overlapping applies could let an older
  // batch's state land after a newer one's.
  let applying = Promise.resolve();
  const follow = (events: StoredEvent[]): void => {
    applying = applying
      .then(() => simulator.applyEvents(events))
      .catch((error: unknown) => logger.error({ err: error }, 'simulator could not apply events'));
  };
  return { platform: simulator, simulator, follow, applied: () => applying };
}
