import type { EndpointCalm } from '../../../platform/operations/routing.js';

/** "anthropic:/v1/messages down to 210 calls/min (3.5× baseline)", for each endpoint a remedy calmed. */
export function calmedWords(calmed: EndpointCalm[]): string {
  return calmed
    .map((c) => {
      const times = c.baselinePerMinute && c.callsPerMinute > 0 ? ` (${Math.round((c.callsPerMinute / c.baselinePerMinute) * 10) / 10}× baseline)` : '';
      return `${c.endpoint} down to ${Math.round(c.callsPerMinute)} calls/min${times}`;
    })
    .join(', ');
}
