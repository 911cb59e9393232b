import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_TOKEN } from '../support/triage.js';
import { oneDatabaseKind } from '../support/databases.js';
import { PEOPLE, startFixFixture, type FixFixture } from './support/fix-from-card.js';

/**
 * Issue 17, point 0: an alert from another monitor is a card. PagerDuty Events v2 (what Langfuse,
 * LangSmith, LiteLLM and Alertmanager's pagerduty_configs send) and Grafana's webhook, through
 * the real intake routes, to the console's card: updated in place on acknowledge, cleared on
 * resolve, resolvable from the card when the sender never will.
 */
describe.each(oneDatabaseKind())('external alerts become cards on %s', (kind) => {
  let fx: FixFixture;
  beforeAll(async () => {
    fx = await startFixFixture(kind, '');
  }, 120_000);
  afterAll(async () => fx?.close());

  const settle = async () => {
    await fx.triage.writer.drain();
    await fx.triage.evaluator.idle();
  };
  const enqueue = async (body: Record<string, unknown>) => {
    const res = await fx.triage.post('/v2/enqueue', { routing_key: TEST_TOKEN, ...body }, { token: null });
    await settle();
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  it('a PagerDuty trigger is one card with the summary, mapped severity, details and links; ack updates it in place; resolve clears it', async () => {
    const trigger = {
      event_action: 'trigger',
      dedup_key: 'langfuse-latency-planner',
      payload: { summary: 'Planner agent p95 latency 42 s', source: 'planner-agent', severity: 'error', component: 'planner', custom_details: { p95: '42 s' } },
      links: [{ href: 'https://cloud.langfuse.com/project/p1/traces', text: 'Traces in Langfuse' }],
    };
    const sent = await enqueue(trigger);
    expect(sent).toEqual({ status: 202, body: { status: 'success', message: 'Event processed', dedup_key: 'langfuse-latency-planner' } });
    const card = await fx.card(/^Planner agent p95 latency 42 s$/);
    expect(card.card).toMatchObject({ severity: 'critical', links: [{ text: 'Traces in Langfuse', url: 'https://cloud.langfuse.com/project/p1/traces' }] });
    expect(card.card.fields).toEqual(expect.arrayContaining([{ label: 'Affected', value: 'planner-agent' }, { label: 'p95', value: '42 s' }]));
    expect(card.card.actions.map((a) => a.label)).toEqual(['Resolve', 'Acknowledge', 'Dismiss']);

    // The sender's resend of the same trigger changes nothing; its acknowledge updates the same card.
    await enqueue(trigger);
    await enqueue({ event_action: 'acknowledge', dedup_key: 'langfuse-latency-planner' });
    const acked = await fx.cardSays(card, /^Planner agent p95 latency 42 s\nAcknowledged in default \(PagerDuty Events v2\); still open there\./);
    expect(acked.card.severity).toBe('critical');
    await enqueue({ event_action: 'resolve', dedup_key: 'langfuse-latency-planner' });
    await fx.cardSays(card, /✅ Resolved automatically at/);
    const cards = await fx.api.messages(PEOPLE.responder);
    expect(cards.filter((m) => m.threadOf === null && m.card.title === 'Planner agent p95 latency 42 s')).toHaveLength(1);
  });

  it('a wrong routing key is refused as PagerDuty refuses it, and nothing is stored', async () => {
    const res = await fx.triage.post('/v2/enqueue', { routing_key: 'not-a-key-of-this-triage', event_action: 'trigger', payload: { summary: 'x', source: 'y', severity: 'info' } }, { token: null });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ status: 'invalid event', errors: ['Invalid routing key'] });
  });

  it('a Grafana alert carries its dashboard, panel and silence links; a responder resolves it from the card, a viewer may not', async () => {
    const res = await fx.triage.post('/v1/ingest/grafana', {
      receiver: 'triage', status: 'firing', orgId: 1, version: '1', groupKey: '{}:{alertname="AgentErrors"}', title: '[FIRING:1] AgentErrors',
      alerts: [{
        status: 'firing', fingerprint: 'a1b2c3', labels: { alertname: 'AgentErrors', severity: 'warning' },
        annotations: { summary: 'Agent error rate 12% on support-bot' }, startsAt: new Date().toISOString(), endsAt: '0001-01-01T00:00:00Z',
        generatorURL: 'https://grafana.example/alerting/grafana/abc/view', silenceURL: 'https://grafana.example/alerting/silence/new?alertmanager=grafana',
        dashboardURL: 'https://grafana.example/d/agents', panelURL: 'https://grafana.example/d/agents?viewPanel=3',
      }],
    });
    expect(res.status).toBe(202);
    await settle();
    const card = await fx.card(/^Agent error rate 12% on support-bot$/);
    expect(card.card.severity).toBe('warning');
    expect(card.card.links?.map((l) => l.text)).toEqual(expect.arrayContaining(['Dashboard', 'Panel', 'Silence']));
    const refused = await fx.press(PEOPLE.viewer, card, 'resolve_alert', 'grafana/a1b2c3');
    expect(refused.reply.text).toMatch(/^Resolving an external alert needs the responder role/);
    await fx.press(PEOPLE.responder, card, 'resolve_alert', 'grafana/a1b2c3');
    await fx.cardSays(card, /✅ Resolve alert grafana\/a1b2c3 by James at \d\d:\d\d UTC: resolved in Triage \(the sender was not told\) · took/);
    await fx.cardSays(card, /✅ Resolved at/);
  });
  it('change events from the hour before an incident opened are in its timeline and minutes ("what changed before it broke"); older ones are not', async () => {
    const change = async (minutesAgo: number, summary: string) => {
      const res = await fx.triage.post('/v2/change/enqueue', {
        routing_key: TEST_TOKEN,
        payload: { summary, source: 'planner-agent', timestamp: new Date(Date.now() - minutesAgo * 60_000).toISOString() },
        links: [{ href: 'https://github.example/acme/planner/pull/42', text: 'PR 42' }],
      }, { token: null });
      expect(res.status).toBe(202);
      expect(await res.json()).toEqual({ status: 'success', message: 'Change event processed' });
    };
    await change(150, 'Rotated the Langfuse API key');
    await change(20, 'Deployed planner v2.3 (new retry policy)');
    await settle();
    const declared = await fx.api.command(PEOPLE.responder, '/incident declare Planner agents failing');
    const id = /#(\d+)/.exec(declared.reply.text)?.[1];
    expect(id, declared.reply.text).toBeDefined();
    const markdown = await (await fetch(`${fx.triage.url}/incidents/${id}/postmortem.md`, { headers: { authorization: `Bearer ${TEST_TOKEN}` } })).text();
    expect(markdown).toMatch(/## What changed before it broke\n- \d\d:\d\d UTC default \(PagerDuty Events v2\): Deployed planner v2\.3 \(new retry policy\) \(planner-agent\) https:\/\/github\.example\/acme\/planner\/pull\/42/);
    expect(markdown).not.toContain('Rotated the Langfuse API key');
  });
});
