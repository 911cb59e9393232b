import { titleOf } from './slack-far-side.js';
import { judge } from './slack-outage-outcome.js';
import { restartCardText, type CleanRun, type FaultRun, type Settings } from './slack-outage-run.js';

/**
 * A fault run told in two lines (what was injected, what held) and judged claim by claim against
 * the clean run: the test expects every claim to hold, the bench prints them with the figures.
 */
export type Claim = { claim: string; held: boolean };
export type Report = { injected: string; held: string; claims: Claim[]; figures: Record<string, number> };

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
/** Cards a fault run may add: the progress card of the Restart it pressed, and its copy in the incident's thread. */
const ACTION_CARD = /(^|:)action:\d+$/;

export function reportFaultRun(settings: Pick<Settings, 'outageMs' | 'retryAfterS'>, clean: CleanRun, run: FaultRun): Report {
  const expected = judge(clean.outcome, clean.far);
  const got = judge(run.outcome, run.far);
  const lost = expected.cards.filter((c) => !got.cards.includes(c));
  const extra = got.cards.filter((c) => !expected.cards.includes(c));
  const restart = run.outcome.restart;
  const restartText = restartCardText(run.far) ?? 'no card';
  const duplicate = got.duplicates[0];
  const postedAt = new Map(run.far.posts().map((p) => [`${p.channel}:${p.ts}`, p.at]));
  const cardsPostedAfterMs = Math.max(...run.outcome.messages.filter((m) => expected.cards.includes(m.identity)).map((m) => postedAt.get(m.messageId) ?? NaN)) - run.recoveredAt;

  const injected =
    `Slack refused every call for ${seconds(settings.outageMs)} from the start of the seed scenario ` +
    `(${run.outageRefusals.rateLimited} × 429 with Retry-After ${settings.retryAfterS} s, ${run.outageRefusals.serverErrors} × 5xx); ` +
    `Restart pressed on "${run.click.card}"; SIGKILL ${seconds(run.killedAfterMs)} after Slack recovered, with the post "${titleOf(run.inFlightAtKill)}" ` +
    `taken by Slack and not yet answered; restarted on the same data (ready ${seconds(run.restartedAfterMs)} after recovery); the click redelivered to it`;
  const held =
    `${expected.cards.length - lost.length} of ${expected.cards.length} cards of the clean run posted${lost.length ? ` (LOST: ${lost.join(', ')})` : ''}` +
    `${extra.length ? ` (+ ${extra.join(', ')})` : ''}; ${got.duplicates.length} duplicate post${duplicate ? ` ("${titleOf(duplicate)}"${duplicate.ts === run.inFlightAtKill.ts ? ', the one in flight at the kill' : ''})` : 's'}; ` +
    `${got.undelivered.length} rows failed or waiting; ${got.stale.length} cards not at their latest version in Slack; ` +
    `Restart: ${restart.requests} request, ${restart.platformActs} platform act ("${restartText}"); ` +
    `every card of the clean run in Slack ${seconds(cardsPostedAfterMs)} and the whole backlog ${seconds(run.drainedAfterMs)} after recovery`;

  const claims: Claim[] = [
    { claim: 'the clean run is whole (no duplicate, nothing undelivered or stale)', held: !expected.duplicates.length && !expected.phantoms.length && !expected.undelivered.length && !expected.stale.length },
    { claim: 'the clean run posted the seed cards (more than 10)', held: expected.cards.length > 10 },
    { claim: 'the outage answered both 429 and 5xx', held: run.outageRefusals.rateLimited > 0 && run.outageRefusals.serverErrors > 0 },
    { claim: `no card of the clean run lost${lost.length ? `: ${lost.join(', ')}` : ''}`, held: lost.length === 0 },
    { claim: `no card the clean run did not post, but the Restart's${extra.length ? `: ${extra.join(', ')}` : ''}`, held: extra.every((c) => ACTION_CARD.test(c)) },
    { claim: `at most one duplicate post, the one in flight at the kill (${got.duplicates.length})`, held: got.duplicates.length <= 1 && got.duplicates.every((d) => d.ts === run.inFlightAtKill.ts) },
    { claim: `no message Triage recorded that Slack never took${got.phantoms.length ? `: ${got.phantoms.join(', ')}` : ''}`, held: got.phantoms.length === 0 },
    { claim: `no outbox row failed or left waiting${got.undelivered.length ? `: ${got.undelivered.join(', ')}` : ''}`, held: got.undelivered.length === 0 },
    { claim: `every card's last version in Slack is Triage's latest${got.stale.length ? `: not ${got.stale.join(', ')}` : ''}`, held: got.stale.length === 0 },
    { claim: 'the click and its redelivery acknowledged with 200', held: run.click.firstStatus === 200 && run.click.redeliveredStatus === 200 },
    { claim: `the Restart claimed once and carried out by the platform once (${restart.requests} request, ${restart.platformActs} act)`, held: restart.requests === 1 && restart.platformActs === 1 },
  ];
  return {
    injected,
    held,
    claims,
    figures: {
      cardsExpected: expected.cards.length,
      cardsPosted: got.cards.length,
      posts: run.far.posts().length,
      duplicates: got.duplicates.length,
      updates: run.far.updates().length,
      refused429: run.outageRefusals.rateLimited,
      refused5xx: run.outageRefusals.serverErrors,
      killedAfterMs: run.killedAfterMs,
      restartedAfterMs: run.restartedAfterMs,
      cardsPostedAfterMs,
      drainedAfterMs: run.drainedAfterMs,
    },
  };
}
