import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { AcceptedEvent } from '../events/envelope.js';
import { readJson, sendError, sendJson } from '../http/respond.js';
import type { Route } from '../http/router.js';
import type { Metrics } from '../observability/metrics.js';
import { alertToEvent, AlertmanagerWebhook } from './alertmanager.js';
import { parseGrafanaWebhook, type GrafanaParsed } from './grafana.js';
import { checkBatch, type BatchWarning } from './event-batch.js';
import type { EventWriter } from './event-writer.js';
import type { IngestAuth } from './ingest-token.js';
import { checkEvent, type EventProblem } from '../events/envelope.js';

export type IntakeDeps = {
  writer: EventWriter;
  /** The ingest token, or while it is rotated the previous one too (src/intake/ingest-token.ts). */
  auth: IngestAuth;
  metrics: Metrics;
  logger: Logger;
  maxBodyBytes: number;
  maxEventsPerBatch: number;
};

type Parsed =
  | { ok: true; events: AcceptedEvent[]; warnings: BatchWarning[] }
  | { ok: false; message: string; problems: EventProblem[] };
type PathName = 'events' | 'alertmanager' | 'grafana';

/** The intake paths share auth, body limits, storage and the answer; they differ in parsing. */
export function intakeRoutes(deps: IntakeDeps): Route[] {
  const handle =
    (path: PathName, parse: (body: unknown) => Parsed) => async (req: IncomingMessage, res: ServerResponse) => {
      const reject = (status: number, reason: string, message: string, extra: object = {}) => {
        deps.metrics.rejected.inc({ path, reason });
        sendError(res, status, reason, message, extra);
      };
      const headers = (h: Record<string, string>) => Object.entries(h).forEach(([k, v]) => res.setHeader(k, v));
      const auth = deps.auth(req.headers.authorization);
      if (!auth.ok) {
        req.resume();
        return reject(401, 'unauthorized', auth.reason);
      }
      const json = await readJson(req, deps.maxBodyBytes);
      if (!json.ok) return reject(json.status, json.code, json.message);
      const parsed = parse(json.value);
      if (!parsed.ok) return reject(400, 'invalid_events', parsed.message, { problems: parsed.problems });
      try {
        const outcome = await deps.writer.write(parsed.events);
        deps.metrics.eventsAccepted.inc({ path }, outcome.accepted);
        deps.metrics.eventsDuplicate.inc({ path }, outcome.duplicates);
        if (parsed.warnings.length) deps.metrics.unknownTypes.inc(parsed.warnings.length);
        sendJson(res, 202, { ...outcome, warnings: parsed.warnings });
      } catch (error) {
        deps.logger.error({ err: error, path }, 'intake write failed');
        headers({ 'retry-after': '1' });
        reject(503, 'storage_unavailable', 'events could not be stored right now; nothing was stored, retry later');
      }
    };
  return [
    { method: 'POST', path: '/v1/events', handler: handle('events', (body) => parseNative(body, deps.maxEventsPerBatch)) },
    { method: 'POST', path: '/v1/ingest/alertmanager', handler: handle('alertmanager', parseAlertmanager) },
    // Grafana's webhook contact point, behind the same bearer token (src/intake/grafana.ts).
    { method: 'POST', path: '/v1/ingest/grafana', handler: handle('grafana', (body) => withoutWarnings(parseGrafanaWebhook(body))) },
  ];
}

const withoutWarnings = (parsed: GrafanaParsed): Parsed => (parsed.ok ? { ...parsed, warnings: [] } : parsed);

function parseNative(body: unknown, max: number): Parsed {
  const checked = checkBatch(body, max);
  return checked;
}

function parseAlertmanager(body: unknown): Parsed {
  const parsed = AlertmanagerWebhook.safeParse(body);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => ({
      index: i.path[0] === 'alerts' && typeof i.path[1] === 'number' ? i.path[1] : -1,
      field: i.path.join('.') || '(body)',
      reason: i.message,
    }));
    return { ok: false, message: 'not a valid Alertmanager webhook payload (version 4); nothing was stored', problems };
  }
  const events: AcceptedEvent[] = [];
  for (const [index, alert] of parsed.data.alerts.entries()) {
    const checked = checkEvent(alertToEvent(alert, parsed.data.externalURL), index);
    if (!checked.ok) return { ok: false, message: 'alert could not be translated; nothing was stored', problems: checked.problems };
    events.push(checked.event);
  }
  return { ok: true, events, warnings: [] };
}
