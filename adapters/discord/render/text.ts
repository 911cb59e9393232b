/**
 * Text safety for Discord. Everything a Card carries (titles, platform errors, entity names,
 * agents' output) is untrusted here: it may format, but must never ping or pose as a link.
 */

const ZERO_WIDTH_SPACE = '\u200B';

/**
 * `allowed_mentions: { parse: [] }` already stops every ping, but a client still highlights
 * `@everyone` in content as if it were one, and an embed shows it looking official. A zero-width
 * space after the `@` makes it plain text while the reader still sees "@everyone". The same
 * after a `<` for user, role and channel mentions (`<@id>`, `<@&id>`, `<#id>`): a person's nick
 * or a platform error holding one is shown as typed, not drawn as somebody's name.
 */
export function neutralizeMentions(raw: string): string {
  return raw.replace(/@(?=(?:everyone|here))/gi, `@${ZERO_WIDTH_SPACE}`).replace(/<(?=[@#])/g, `<${ZERO_WIDTH_SPACE}`);
}

/**
 * Embed descriptions and field values render `[text](url)` as a link showing only `text`: a
 * platform error could read "[Reset your token](https://evil.example)". A zero-width space between
 * `]` and `(` breaks the syntax invisibly; bare URLs stay links, since they show where they go.
 */
export function breakMaskedLinks(raw: string): string {
  return raw.replace(/\]\(/g, `]${ZERO_WIDTH_SPACE}(`);
}

/** Untrusted text → Discord markdown that can format but never ping or hide a link. */
export function safeText(raw: string): string {
  return breakMaskedLinks(neutralizeMentions(raw));
}

/** Cut to at most `max` UTF-16 units, ending in "…". Never splits a surrogate pair (half an emoji is �). */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = text.slice(0, Math.max(0, max - 1));
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  return `${cut}…`;
}

/**
 * As many `items` as fit in `max` characters (and at most `maxItems`), joined by `separator`, then
 * "…and N more" for the rest. Items are expected to be cut to a sensible length already.
 */
export function joinWithin(items: readonly string[], separator: string, max: number, maxItems = Infinity): string {
  const more = (n: number, shown: number) => (n > 0 ? `${shown > 0 ? separator : ''}…and ${n} more` : '');
  let shown = 0;
  let size = 0;
  for (const item of items) {
    if (shown === maxItems) break;
    const next = size + (shown > 0 ? separator.length : 0) + item.length;
    if (next + more(items.length - shown - 1, shown + 1).length > max) break;
    size = next;
    shown += 1;
  }
  return truncate(items.slice(0, shown).join(separator) + more(items.length - shown, shown), max);
}
