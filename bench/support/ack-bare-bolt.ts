import { App, HTTPReceiver, LogLevel } from '@slack/bolt';

/**
 * The floor for bench/ack.ts, run as its own process (`node --import tsx`): Bolt with the same
 * receiver settings as Triage's adapter and a /triage listener that only acks. No token, so no
 * auth.test: a fixed authorize stands in, as in Triage. Prints `listening <port>` when ready.
 */
const signingSecret = process.env.SLACK_SIGNING_SECRET;
const port = Number(process.env.PORT);
if (!signingSecret || !port) {
  process.stderr.write('ack-bare-bolt: set SLACK_SIGNING_SECRET and PORT\n');
  process.exit(2);
}

const receiver = new HTTPReceiver({ signingSecret, endpoints: '/slack/events', processBeforeResponse: false, logLevel: LogLevel.ERROR });
const app = new App({ receiver, authorize: async () => ({ botToken: 'xoxb-bare' }), logLevel: LogLevel.ERROR });
app.command('/triage', async ({ ack }) => {
  await ack();
});

await app.start({ port, host: '127.0.0.1' });
process.stdout.write(`listening ${port}\n`);
process.once('SIGTERM', () => {
  app.stop().finally(() => process.exit(0));
});
