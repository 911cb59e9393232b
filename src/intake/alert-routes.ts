import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AcceptedEvent } from '../events/envelope.js';
import { readBody, sendJson } from '../http/respond.js';
import type { Route } from '../http/router.js';
import { UNSTORABLE_REASON, unstorableInJson } from '../http/storable-text.js';
import type { RoutingKeyLookup } from './alert-sources.js';
import type { WriteOutcome } from './event-writer.js';
import {
  invalidEvent,
  parsePagerDutyChange,
  parsePagerDutyEvent,
  unrecognizedObject,
  type PagerDutyError,
  type PagerDutyRefusal,
} from './pagerduty.js';
import type { IntakeDeps } from './routes.js';

/** The intake's dependencies plus which alert source a PagerDuty routing key belongs to (src/intake/alert-sources.ts). */
export type AlertIntakeDeps = IntakeDeps & { routingKeys: RoutingKeyLookup; now?: () => Date };

type PathName = 'pagerduty' | 'pagerduty_change';
type Accepted = { ok: true; events: AcceptedEvent[]; answer: object };

/**
 * POST /v2/enqueue and /v2/change/enqueue answer as PagerDuty's Events API v2 does (a sender
 * configured for PagerDuty reads these answers), and are authenticated by the routing key in the
 * body, as PagerDuty's are: such senders cannot send an Authorization header. (Grafana's
 * webhook is served with Alertmanager's, in Triage's own shape: src/intake/routes.ts.)
 */
export function alertRoutes(deps: AlertIntakeDeps): Route[] {
  const now = deps.now ?? (() => new Date());
  const pagerDuty = (path: PathName, parse: (body: unknown) => Accepted | PagerDutyRefusal) => async (req: IncomingMessage, res: ServerResponse) => {
    const refuse = (status: number, reason: string, answer: PagerDutyError) => {
      deps.metrics.rejected.inc({ path, reason });
      sendJson(res, status, answer);
    };
    const body = await readPagerDutyBody(req, deps.maxBodyBytes);
    if (!body.ok) return refuse(body.status, body.reason, body.answer);
    const parsed = parse(body.value);
    if (!parsed.ok) return refuse(parsed.status, parsed.reason, parsed.answer);
    if (await store(path, parsed.events, res)) sendJson(res, 202, parsed.answer);
  };

  /** Writes the events; undefined (and a 503 already sent, in the route's own shape) when storage failed: nothing was stored. */
  const store = async (path: PathName, events: AcceptedEvent[], res: ServerResponse): Promise<WriteOutcome | undefined> => {
    try {
      const outcome = await deps.writer.write(events);
      deps.metrics.eventsAccepted.inc({ path }, outcome.accepted);
      deps.metrics.eventsDuplicate.inc({ path }, outcome.duplicates);
      return outcome;
    } catch (error) {
      deps.logger.error({ err: error, path }, 'intake write failed');
      deps.metrics.rejected.inc({ path, reason: 'storage_unavailable' });
      const message = 'events could not be stored right now; nothing was stored, retry later';
      res.setHeader('retry-after', '1');
      // PagerDuty's senders retry a 5xx (its reference: "500 or other 5XX ... retry after some time").
      sendJson(res, 503, { status: 'unavailable', message });
      return undefined;
    }
  };

  return [
    {
      method: 'POST',
      path: '/v2/enqueue',
      handler: pagerDuty('pagerduty', (body) => {
        const parsed = parsePagerDutyEvent(body, { now: now(), sourceFor: deps.routingKeys });
        if (!parsed.ok) return parsed;
        return { ok: true, events: [parsed.event], answer: { status: 'success', message: 'Event processed', dedup_key: parsed.dedupKey } };
      }),
    },
    {
      method: 'POST',
      path: '/v2/change/enqueue',
      handler: pagerDuty('pagerduty_change', (body) => {
        const parsed = parsePagerDutyChange(body, { now: now(), sourceFor: deps.routingKeys });
        if (!parsed.ok) return parsed;
        return { ok: true, events: [parsed.event], answer: { status: 'success', message: 'Change event processed' } };
      }),
    },
  ];
}

type PagerDutyBody = { ok: true; value: unknown } | { ok: false; status: 400 | 413; reason: string; answer: PagerDutyError };

/**
 * The body as JSON whatever its content-type: PagerDuty reads JSON from senders that label it
 * loosely (curl -d sends application/x-www-form-urlencoded), and so does Triage here.
 */
async function readPagerDutyBody(req: IncomingMessage, limit: number): Promise<PagerDutyBody> {
  const body = await readBody(req, limit);
  if (!body.ok) return { ok: false, status: body.status, reason: body.code, answer: invalidEvent([body.message]) };
  const text = body.body.toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, status: 400, reason: 'invalid_json', answer: unrecognizedObject('JSON parse error') };
  }
  const unstorable = unstorableInJson(text, value);
  if (unstorable !== undefined) return { ok: false, status: 400, reason: 'invalid_json', answer: invalidEvent([`the event ${UNSTORABLE_REASON}: at ${unstorable}`]) };
  return { ok: true, value };
}
