import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestTriage } from '../../support/triage.js';
import { actionBody, blockAction, createSlackFarSide, postSigned, type SlackFarSide } from './support.js';
import { startSlackTriage } from './triage.js';

/**
 * Correctly signed but malformed interactivity payloads (a Slack bug, a replayed or hand-made
 * request): Triage answers without a 5xx, and Slack's retry loop is not fed by a 500.
 */
describe('malformed signed Slack payloads', () => {
  let slack: SlackFarSide;
  let triage: TestTriage;
  beforeAll(async () => {
    slack = createSlackFarSide();
    slack.listen();
    triage = await startSlackTriage('pglite');
  });
  afterAll(async () => {
    await triage?.close();
    slack?.close();
  });

  const valid = blockAction('dismiss', '1700000000.000100') as Record<string, unknown>;
  const broken: Array<[string, unknown]> = [
    ['an action with none of its fields', { ...valid, actions: [{}] }],
    ['no actions at all', { ...valid, actions: [] }],
    ['actions that are not a list', { ...valid, actions: 'dismiss' }],
    ['no user', { ...valid, user: undefined }],
    ['no channel and no container', { ...valid, channel: undefined, container: undefined }],
    ['a payload that is not an object', 'block_actions'],
    ['a null payload', null],
  ];

  it.each(broken)('%s: answered below 500', async (_what, payload) => {
    const res = await postSigned(triage.url, actionBody(payload));
    expect(res.status).toBeLessThan(500);
  });

  it('answers any signed payload below 500 (200 random shapes)', async () => {
    const anyJson = fc.jsonValue({ maxDepth: 3 });
    const shaped = fc.record({ type: fc.constantFrom('block_actions', 'interactive_message', 'view_submission', 'x'), actions: fc.oneof(fc.array(fc.dictionary(fc.constantFrom('action_id', 'value', 'action_ts', 'block_id'), anyJson), { maxLength: 2 }), anyJson), user: anyJson, response_url: anyJson }, { requiredKeys: [] });
    await fc.assert(
      fc.asyncProperty(fc.oneof(shaped, anyJson), async (payload) => {
        const res = await postSigned(triage.url, actionBody(payload));
        expect(res.status, JSON.stringify(payload)).toBeLessThan(500);
      }),
      { numRuns: 200 },
    );
  }, 120_000);
});
