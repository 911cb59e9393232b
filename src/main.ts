import { consoleAdapter } from '../adapters/console/index.js';
import { createDiscordAdapter } from '../adapters/discord/index.js';
import { createSlackAdapter } from '../adapters/slack/index.js';
import { slackGroupIds } from '../adapters/slack/user-groups.js';
import { startTriage, type RunningTriage } from './app.js';
import type { ChatAdapterFactory } from './chat/adapter.js';
import { consoleLoginConfigured, discordEnabled, discordUsesGateway, loadConfig, slackEnabled, type Config } from './config.js';
import { isLoopbackHost } from './http/loopback.js';
import { createLogger, type Logger } from './observability/logger.js';

/** Composition root for the process: config, start, banner, signals. */
async function main(): Promise<void> {
  const loaded = loadConfig(process.env);
  if (!loaded.ok) {
    process.stderr.write(`${loaded.error.message}\n`);
    process.exit(1);
  }
  const config = loaded.value;
  const logger = createLogger(config.logLevel);
  const web = consoleMode(config);
  const adapters: ChatAdapterFactory[] = web === 'off' ? [] : [consoleAdapter(web === 'login' ? { login: config.console } : {})];
  if (web === 'off') logger.warn({ host: config.host }, `the web console is off: ${CONSOLE_OFF}`);
  if (web === 'login') logger.info({ people: config.console.people.map((p) => p.id) }, 'the web console asks for a login (console.people)');
  if (slackEnabled(config.slack)) {
    adapters.push(createSlackAdapter(config.slack, { groupIds: slackGroupIds(config.roles) }));
    logger.info({ mode: config.slack.appToken ? 'socket' : 'http' }, 'Slack is on');
  } else {
    logger.info('Slack is off (set SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET, SLACK_CHANNEL to turn it on)');
  }
  if (discordEnabled(config.discord)) {
    adapters.push(createDiscordAdapter(config.discord));
    logger.info({ mode: discordUsesGateway(config.discord) ? 'gateway' : 'http' }, 'Discord is on');
  } else {
    logger.info('Discord is off (set DISCORD_BOT_TOKEN, DISCORD_APPLICATION_ID, DISCORD_CHANNEL, and DISCORD_PUBLIC_KEY for HTTP interactions or nothing for gateway mode)');
  }
  // Signals are heard from the start: a replica answers /readyz as soon as it listens, before its
  // first bid for the evaluator lease has finished, and an orchestrator may stop it right then.
  const started = startTriage(config, { logger, adapters });
  stopOnSignals(logger, started);
  const triage = await started;

  // The banner goes to the terminal, not the JSON log: on the embedded default the person who
  // ran `npm start` needs the token to send events; a configured INGEST_TOKEN is never shown.
  const lines = [
    '',
    `  Triage is running at ${triage.url}  (${BANNER[web]})`,
    `  database: ${triage.database.kind === 'pglite' ? `embedded PGlite in ${config.dataDir}/pgdata` : 'PostgreSQL'}`,
    triage.ingestTokenFromDataDir
      ? `  ingest token: ${triage.ingestToken}  (kept in ${config.dataDir}/ingest-token)`
      : '  ingest token: from INGEST_TOKEN',
    ...triage.actions.authoriser.describe().map((line) => `  roles: ${line}`),
    `  try: npm run scenario -- cascading-failure`,
    '',
  ];
  process.stderr.write(lines.join('\n') + '\n');
}

/**
 * The console stays on with Slack: it is the local view of the same cards. Without a login it is
 * served only on loopback; HOST=0.0.0.0 (Slack's HTTP mode in a container) turns it off rather
 * than handing every card and every button to the network, unless console login is configured
 * (docs/architecture.md, "Console login").
 */
type ConsoleMode = 'login' | 'loopback' | 'off';
const consoleMode = (config: Config): ConsoleMode =>
  consoleLoginConfigured(config.console) ? 'login' : isLoopbackHost(config.host) ? 'loopback' : 'off';
const CONSOLE_OFF =
  'HOST is not a loopback address and no console login is configured; to serve it with a login, list console.people in triage.config.yml (hashes from npm run console-password) and set TRIAGE_CONSOLE_SESSION_SECRET (README, "Console login"), or keep HOST=127.0.0.1 and reach it through an SSH tunnel';
const BANNER: Record<ConsoleMode, string> = {
  login: 'open it in a browser: the console, with a login',
  loopback: 'open it in a browser: the console, on this machine only, no login',
  off: 'the web console is off: HOST is not loopback and no console login is configured; see README, "Console login"',
};

function stopOnSignals(logger: Logger, started: Promise<RunningTriage>): void {
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    // Hard deadline: an orchestrator's SIGKILL usually follows 10 s after SIGTERM.
    setTimeout(() => {
      logger.error('shutdown took longer than 10 s; exiting');
      process.exit(1);
    }, 9_500).unref();
    started
      .then((triage) => triage.stop())
      .then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error({ err: error }, 'shutdown failed');
          process.exit(1);
        },
      );
  };
  // A library's stray promise (Slack's Socket Mode reconnect chain has no catch) must not take
  // down the process that on-call depends on: log it loudly and keep serving.
  process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled promise rejection (a bug; Triage keeps running)'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  process.stderr.write(`Triage failed to start: ${(error as Error).message}\n`);
  process.exit(1);
});
