import { isIP } from 'node:net';

/**
 * Whether a listen address reaches only this machine. The console has no login, so it is served
 * only on such an address (src/main.ts); `0.0.0.0`, `::` and any routable address expose it.
 */
export function isLoopbackHost(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[|\]$/g, '');
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  if (isIP(h) === 6) return h === '::1' || /^::ffff:127\./.test(h) || /^(0:){7}1$/.test(h);
  return false;
}
