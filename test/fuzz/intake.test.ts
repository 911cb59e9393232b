import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkEvent, EventEnvelope } from '../../src/events/envelope.js';
import { alertToEvent, AlertmanagerWebhook } from '../../src/intake/alertmanager.js';
import { checkBatch } from '../../src/intake/event-batch.js';
import { anyJson, mutatedJson, PARSER_RUNS } from './arbitraries.js';

/**
 * What platforms and Alertmanager send, at the function level: the envelope check, the batch
 * check the intake route runs, and the Alertmanager payload with its translation into events.
 * Refusals name the field and the reason; nothing throws. (Over HTTP: test/intake/fuzz.test.ts.)
 */
const at = '2026-05-03T14:32:00Z';
const VALID_EVENTS = [
  { id: 'e-1', type: 'runtime.heartbeat', source: 'fuzz', occurredAt: at, attributes: { runtime: 'bash-runtime-mike', intervalSeconds: 30 } },
  { id: 'e-2', type: 'runtime.execution_failed', source: 'fuzz', occurredAt: '2026-05-03T14:32:00.123+02:00', attributes: { runtime: 'r', reason: 'oom', error: 'killed' } },
  { type: 'routine.spend', source: 'fuzz', occurredAt: at, attributes: { routine: 'daily', spentUsd: 5, limitUsd: 5, period: 'day' } },
  { id: 'e-4', type: 'vendor.custom_signal', source: 'fuzz', occurredAt: at, attributes: { anything: [1, { a: null }] } },
  { type: 'loop.finished', source: 'fuzz', occurredAt: at, attributes: { loopId: 'loop-7', outcome: 'cancelled', extra: { nested: true } } },
  { type: 'made.up', source: 'fuzz', occurredAt: at },
];
const event = fc.oneof(
  { weight: 1, arbitrary: fc.constantFrom(...VALID_EVENTS) },
  { weight: 6, arbitrary: fc.constantFrom(...VALID_EVENTS).chain(mutatedJson) },
  { weight: 2, arbitrary: anyJson },
);

const ALERT = {
  status: 'firing',
  labels: { alertname: 'HighErrorRate', severity: 'critical' },
  annotations: { summary: 'errors' },
  startsAt: '2026-05-03T14:30:00.000Z',
  endsAt: '0001-01-01T00:00:00Z',
  generatorURL: 'http://prometheus/graph',
  fingerprint: 'c0ffee',
};
const WEBHOOK = { version: '4', groupKey: '{}:{alertname="HighErrorRate"}', status: 'firing', receiver: 'triage', groupLabels: {}, commonLabels: {}, commonAnnotations: {}, externalURL: 'http://am', alerts: [ALERT, { ...ALERT, status: 'resolved', endsAt: '2026-05-03T14:40:00Z', fingerprint: 'beef' }] };
/** Timestamps Date.parse takes that an ISO check may not: the translation must not throw on them. */
const oddTimes = fc.constantFrom('2026-05-03', 'May 3, 2026', '+275760-09-13T00:00:00Z', '-000001-01-01T00:00:00Z', '2026-05-03T14:30:00', '0', '1e3', '2026-02-30T00:00:00Z');
const webhook = fc.oneof(
  { weight: 1, arbitrary: fc.constant(WEBHOOK) },
  { weight: 6, arbitrary: mutatedJson(WEBHOOK) },
  { weight: 2, arbitrary: fc.record({ startsAt: oddTimes, endsAt: oddTimes, fingerprint: fc.string({ minLength: 1, maxLength: 300 }) }).map((a) => ({ ...WEBHOOK, alerts: [{ ...ALERT, ...a, status: 'resolved' }] })) },
  { weight: 1, arbitrary: anyJson },
);

const worded = (problems: Array<{ field: string; reason: string }>) => {
  expect(problems.length).toBeGreaterThan(0);
  for (const p of problems) {
    expect(p.field.length).toBeGreaterThan(0);
    expect(p.reason.trim().length).toBeGreaterThan(3);
  }
};

describe('intake parsers under fuzzing', () => {
  it(`checkEvent: ${PARSER_RUNS} near-valid events are accepted whole or refused field by field`, () => {
    fc.assert(
      fc.property(event, fc.nat({ max: 100 }), (raw, index) => {
        const checked = checkEvent(raw, index);
        if (!checked.ok) {
          worded(checked.problems);
          expect(checked.problems.every((p) => p.index === index)).toBe(true);
          return;
        }
        const { known: _known, ...envelope } = checked.event;
        expect(EventEnvelope.safeParse(envelope).success).toBe(true);
      }),
      { numRuns: PARSER_RUNS },
    );
    expect(VALID_EVENTS.every((e, i) => checkEvent(e, i).ok)).toBe(true);
  });

  it(`checkBatch: ${PARSER_RUNS} batches are stored whole or refused with a message, never half`, () => {
    const batch = fc.oneof(fc.array(event, { maxLength: 4 }).map((events) => ({ events })), mutatedJson({ events: VALID_EVENTS }), anyJson);
    fc.assert(
      fc.property(batch, (body) => {
        const checked = checkBatch(body, 3);
        if (checked.ok) {
          const sent = (body as { events: unknown[] }).events;
          expect(checked.events).toHaveLength(sent.length);
          expect(sent.length).toBeLessThanOrEqual(3);
          return;
        }
        expect(checked.message.length).toBeGreaterThan(10);
      }),
      { numRuns: PARSER_RUNS },
    );
  });

  it(`Alertmanager: ${PARSER_RUNS} payloads are refused with a reason, or each alert becomes an event the envelope accepts or refuses in words`, () => {
    fc.assert(
      fc.property(webhook, (body) => {
        const parsed = AlertmanagerWebhook.safeParse(body);
        if (!parsed.success) {
          expect(parsed.error.issues.length).toBeGreaterThan(0);
          expect(parsed.error.issues.every((i) => i.message.length > 3)).toBe(true);
          return;
        }
        for (const [index, alert] of parsed.data.alerts.entries()) {
          const checked = checkEvent(alertToEvent(alert), index);
          if (!checked.ok) worded(checked.problems);
          else expect(checked.event.type).toMatch(/^alert\.(firing|resolved)$/);
        }
      }),
      { numRuns: PARSER_RUNS },
    );
    expect(AlertmanagerWebhook.safeParse(WEBHOOK).success).toBe(true);
  });
});
