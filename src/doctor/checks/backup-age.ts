import { DAY, HOUR, MINUTE, plural } from '../../insights/catalog/helpers.js';

/**
 * "1 hour ago", as the seed's report says it: minutes under an hour, hours under two days, then
 * days. Floored, so a backup is never reported younger than it is; a timestamp from a clock
 * running ahead reads "just now" rather than "in 3 minutes".
 */
export function humanAge(ms: number): string {
  if (ms < MINUTE) return 'just now';
  if (ms < HOUR) return `${plural(Math.floor(ms / MINUTE), 'minute')} ago`;
  if (ms < 2 * DAY) return `${plural(Math.floor(ms / HOUR), 'hour')} ago`;
  return `${plural(Math.floor(ms / DAY), 'day')} ago`;
}
