import { webApi } from '@slack/bolt';
import type { Logger } from 'pino';
import type { SlackConfig } from '../../src/config.js';

/**
 * The one way this adapter builds a WebClient. The outbox owns retries (src/chat/port.ts): no
 * retries here and rate-limited calls rejected at once, so Retry-After reaches the outbox instead
 * of the client sleeping on it while the outbox row's lease runs out.
 */
export const SLACK_CALL_TIMEOUT_MS = 10_000;

export function createWebClient(config: Pick<SlackConfig, 'botToken' | 'apiUrl'>, logger: Logger): webApi.WebClient {
  return new webApi.WebClient(config.botToken, { ...webClientOptions(config), logger: slackLogger(logger) });
}

export const webClientOptions = (config: Pick<SlackConfig, 'apiUrl'>): webApi.WebClientOptions => ({
  ...(config.apiUrl ? { slackApiUrl: config.apiUrl } : {}),
  retryConfig: { retries: 0 },
  rejectRateLimitedCalls: true,
  timeout: SLACK_CALL_TIMEOUT_MS,
});

/** Slack's SDKs take their own logger shape; route it into ours so nothing prints on its own. */
export function slackLogger(logger: Logger) {
  const child = logger.child({ component: 'slack-sdk' });
  let level = 'info';
  return {
    // Bolt logs several debug lines per request: the text is built only when someone reads it,
    // which keeps string work off the ack path at the usual level.
    debug: (...msg: unknown[]) => child.isLevelEnabled('debug') && child.debug(msg.map(String).join(' ')),
    info: (...msg: unknown[]) => child.isLevelEnabled('info') && child.info(msg.map(String).join(' ')),
    warn: (...msg: unknown[]) => child.warn(msg.map(String).join(' ')),
    error: (...msg: unknown[]) => child.error(msg.map(String).join(' ')),
    setLevel: (l: string) => void (level = l),
    getLevel: () => level,
    setName: () => {},
  } as unknown as webApi.WebClientOptions['logger'] & {};
}
