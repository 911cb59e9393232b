/**
 * Text safety for Block Kit. Everything a Card carries (titles, platform errors, entity names,
 * agents' output) is untrusted here: it must read as text, never as a link, mention or broadcast.
 */

const ZERO_WIDTH_SPACE = '\u200B';

/**
 * Slack's formatting reference: "Slack uses &, <, and > as control characters for special parsing
 * in text objects, so they must be converted to HTML entities if they're not going to be used for
 * their parsing purpose" (https://docs.slack.dev/messaging/formatting-message-text#escaping), and
 * only those three: entity-encoding anything else shows the entity literally. With `<` and `>`
 * gone nothing can form `<https://evil|Reset password>`, `<@U123>` or `<!channel>`.
 */
export function escapeMrkdwn(raw: string): string {
  return raw.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * Bare `@here`/`@channel`/`@everyone`/`@group` are not syntax, yet Slack turns them into
 * broadcasts: mrkdwn text objects with `verbatim: false` (the default) have "certain mentions
 * automatically parsed" (text-object reference), the top-level `text` is parsed the same way,
 * and Slack's own client rewrites `@here` to `<!here>` with a `@[\w.-]+` match. A zero-width space
 * after the `@` breaks that match while the reader still sees "@here". We also send our mrkdwn with
 * `verbatim: true`; this covers the fallback `text`, which has no such switch.
 */
export function neutralizeBroadcasts(raw: string): string {
  return raw.replace(/@(?=(?:channel|here|everyone|group))/gi, `@${ZERO_WIDTH_SPACE}`);
}

/** Untrusted text → mrkdwn that can format (bold, code) but never link, mention or ping. */
export function safeMrkdwn(raw: string): string {
  return escapeMrkdwn(neutralizeBroadcasts(raw));
}

/**
 * Cut to at most `max` UTF-16 units, ending in `suffix`. Never splits a surrogate pair (half an
 * emoji renders as �), and when `escaped` never leaves half an entity (`&am`) behind.
 */
export function truncate(text: string, max: number, options: { suffix?: string; escaped?: boolean } = {}): string {
  if (text.length <= max) return text;
  const suffix = options.suffix ?? '…';
  let cut = text.slice(0, Math.max(0, max - suffix.length));
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  if (options.escaped) cut = cut.replace(/&[a-z]*$/, '');
  return cut + suffix;
}

/** The first non-blank line, for notification previews. */
export function firstLine(text: string): string {
  return text.split('\n').find((line) => line.trim() !== '')?.trim() ?? '';
}
