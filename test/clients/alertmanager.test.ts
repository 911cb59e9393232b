import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oneDatabaseKind } from '../support/databases.js';
import { watchOutput } from '../support/secret-scan.js';
import { TEST_TOKEN } from '../support/triage.js';
import { PEOPLE, startFixFixture, type FixFixture } from '../e2e/support/fix-from-card.js';
import { ALERTMANAGER_BINARY, alertmanagerInstalled, startAlertmanager, type Alertmanager } from './support/alertmanager.js';

/**
 * Issue 17's acceptance, with the real client: Prometheus Alertmanager (Debian's package, which
 * .ci/run installs) notifying Triage through its pagerduty_configs, pointed at /v2/enqueue with
 * the ingest token as routing key. A firing alert is one critical card; its resolve clears it.
 */
const SUMMARY = 'Support agent error rate 40% over 5 minutes';

/**
 * A team's receiver for Triage: PagerDuty Events v2 at Triage's URL. description, severity and
 * source are set because Alertmanager's defaults are "[FIRING:1] <group labels>", "error" and
 * "Alertmanager"; timings are short so the test does not wait for its 30 s / 5 min defaults.
 */
const alertmanagerConfig = (triageUrl: string) => `
route:
  receiver: triage
  group_by: [alertname]
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 1h
receivers:
  - name: triage
    pagerduty_configs:
      - routing_key: ${TEST_TOKEN}
        url: ${triageUrl}/v2/enqueue
        send_resolved: true
        description: '{{ .CommonAnnotations.summary }}'
        severity: '{{ .CommonLabels.severity }}'
        source: '{{ .CommonLabels.service }}'
`;

describe.skipIf(!alertmanagerInstalled())(`Prometheus Alertmanager (${ALERTMANAGER_BINARY}; apt-get install prometheus-alertmanager) notifying Triage as PagerDuty`, () => {
  describe.each(oneDatabaseKind())('on %s', (kind) => {
    let fx: FixFixture;
    let alertmanager: Alertmanager | undefined;
    beforeAll(async () => {
      fx = await startFixFixture(kind, '');
      alertmanager = await startAlertmanager(alertmanagerConfig(fx.triage.url));
      watchOutput('prometheus-alertmanager', { TRIAGE_INGEST_TOKEN: TEST_TOKEN }, () => alertmanager?.output() ?? '');
    }, 60_000);
    afterAll(async () => {
      await alertmanager?.stop();
      await fx?.close();
    });

    const alert = (times: { startsAt: string; endsAt?: string }) => ({
      labels: { alertname: 'SupportAgentErrors', severity: 'critical', service: 'support-agent' },
      annotations: { summary: SUMMARY },
      generatorURL: 'http://prometheus.example/graph?g0.expr=agent_errors',
      ...times,
    });

    it('a firing critical alert is one critical card naming its summary; Alertmanager resolving it resolves the card', async () => {
      const startsAt = new Date(Date.now() - 60_000).toISOString();
      expect(await alertmanager!.post([alert({ startsAt })])).toBe(200);

      const card = await fx.card(new RegExp(`^${SUMMARY}$`));
      expect(card.card).toMatchObject({ title: SUMMARY, severity: 'critical', state: 'open' });
      expect(card.card.fields).toContainEqual({ label: 'Affected', value: 'support-agent' });
      expect(card.card.links).toEqual([{ text: 'View in Alertmanager', url: expect.stringMatching(/^http:\/\/.*\/#\/alerts\?receiver=triage$/) }]);

      // Prometheus resends a firing alert each evaluation, then sends it with endsAt once it clears.
      expect(await alertmanager!.post([alert({ startsAt })])).toBe(200);
      expect(await alertmanager!.post([alert({ startsAt, endsAt: new Date(Date.now() - 1_000).toISOString() })])).toBe(200);
      const resolved = await fx.cardSays(card, /✅ Resolved automatically at/);
      expect(resolved.card.state).toBe('resolved');

      const cards = (await fx.api.messages(PEOPLE.responder)).filter((m) => m.threadOf === null);
      expect(cards.map((m) => m.card.title)).toEqual([SUMMARY]);
    });
  });
});
