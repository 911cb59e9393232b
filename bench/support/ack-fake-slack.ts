import { request } from 'node:http';
import { startTsxChild } from './tsx-child.js';

export type FakeSlack = {
  /** Give this to Triage as SLACK_API_URL (WebClient appends the method name). */
  apiUrl: string;
  /** A response_url for one slash command; every post to it is counted as `response_url`. */
  responseUrl(id: string): string;
  /** Requests received so far, by Web API method (or `response_url`). */
  counts(): Promise<Record<string, number>>;
  stop(): Promise<void>;
};

/**
 * The far side of Triage's Slack calls (ack-fake-slack-server.ts), on loopback in its own
 * process: the bench measures Triage's ack path and never a network or Slack's rate limits. Not
 * inside the load generator: serving Triage's answers there slowed the generator's own clock
 * reading exactly when Triage answered most, and bare Bolt, which answers nothing, never paid it.
 * It counts what it receives, which shows the commands really ran after their ack.
 */
export async function startFakeSlack(): Promise<FakeSlack> {
  const child = await startTsxChild({ label: 'fake Slack Web API', script: 'ack-fake-slack-server.ts', env: {}, ready: /^listening \d+/ });
  const base = `http://127.0.0.1:${child.readyLine.split(' ')[1]}`;
  return {
    apiUrl: `${base}/api/`,
    responseUrl: (id) => `${base}/response/${id}`,
    counts: () => getJson(`${base}/__counts`),
    stop: child.stop,
  };
}

function getJson(url: string): Promise<Record<string, number>> {
  return new Promise((resolve, reject) => {
    const req = request(url, { timeout: 5_000 }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => {
        try {
          resolve(JSON.parse(text) as Record<string, number>);
        } catch (error) {
          reject(error as Error);
        }
      });
    });
    req.on('timeout', () => req.destroy(new Error(`the fake Slack did not tell its counts within 5 s`)));
    req.on('error', reject);
    req.end();
  });
}
