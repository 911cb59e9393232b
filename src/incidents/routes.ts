import type { IngestAuth } from '../intake/ingest-token.js';
import { sendError } from '../http/respond.js';
import type { Route } from '../http/router.js';
import type { IncidentDesk } from './desk.js';

/**
 * GET /incidents/<id>/postmortem.md: the minutes as Markdown, for pasting into a wiki or a ticket.
 * The same bearer token as the intake: minutes name people and systems.
 */
export function incidentRoutes(deps: { desk: IncidentDesk; auth: IngestAuth }): Route[] {
  return [
    {
      method: 'GET',
      path: '/incidents/:id/postmortem.md',
      handler: async (req, res, params) => {
        const auth = deps.auth(req.headers.authorization);
        if (!auth.ok) return sendError(res, 401, 'unauthorized', `${auth.reason}.`);
        const id = /^\d{1,12}$/.test(params.id ?? '') ? Number(params.id) : NaN;
        if (!Number.isSafeInteger(id)) return sendError(res, 400, 'invalid_id', `"${params.id}" is not an incident number; use /incidents/12/postmortem.md.`);
        const markdown = await deps.desk.markdown(id);
        if (markdown === undefined) return sendError(res, 404, 'not_found', `There is no incident #${id}.`);
        res.writeHead(200, { 'content-type': 'text/markdown; charset=utf-8', 'cache-control': 'no-store' });
        res.end(markdown);
      },
    },
  ];
}
