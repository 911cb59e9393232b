/**
 * An error as a reason a person can read, without what must never reach a report: connection
 * strings (they may carry a password) and key=value passwords.
 */
export function reasonOf(error: unknown): string {
  const message = rootCause(error);
  const cleaned = message
    .replace(/\b[a-z][a-z0-9+.-]*:\/\/\S+/gi, '<url>')
    .replace(/(password\s*=\s*)\S+/gi, '$1***')
    .trim();
  return (cleaned || 'unknown error').slice(0, 200);
}

/** Drizzle wraps driver errors as "Failed query: <sql>"; the driver's own words are the reason. */
function rootCause(error: unknown): string {
  let current = error;
  for (let depth = 0; depth < 5 && current instanceof Error && current.cause !== undefined; depth++) current = current.cause;
  return current instanceof Error ? current.message : String(current);
}
