import type { Card, CardState, Severity } from '../../src/chat/card.js';
import { SEVERITY_WORDS, STATE_WORDS, statusLine } from '../../src/chat/status-words.js';
import type { DiscordMessage, Embed } from './message.js';
import { actionRows } from './render/actions.js';
import { embedBody, footerText } from './render/embed.js';
import { reportBody } from './render/long-embeds.js';
import { MAX_AUTHOR_NAME, MAX_EMBED_TITLE, MAX_EMBED_TOTAL, MAX_FALLBACK_TEXT } from './render/limits.js';
import { safeText, truncate } from './render/text.js';

export type { ActionRow, Button, DiscordMessage, Embed, EmbedField } from './message.js';
export * from './render/limits.js';
export { breakMaskedLinks, neutralizeMentions, safeText } from './render/text.js';

/** The console's severity colours, so a card looks the same wherever it is read. */
export const SEVERITY_COLOUR: Record<Severity, number> = { critical: 0xe01e5a, warning: 0xecb22e, info: 0x36c5f0 };
/**
 * A closed card stops shouting: green when the problem went away or the request went through,
 * grey when someone set it aside. Acknowledged and pending keep their severity: still live.
 */
export const STATE_COLOUR: Partial<Record<CardState, number>> = {
  resolved: 0x2bac76,
  approved: 0x2bac76,
  dismissed: 0x616061,
  denied: 0x616061,
};

/**
 * Card → the body of Discord's create/edit message. Always within Discord's limits whatever the
 * card holds: text, entities and facts are cut to share the 6000-character embed (a long-form
 * report is split over up to 10 embeds in those 6000, then says what it left out), and an action
 * that cannot be a button is named in the footer instead of breaking the message.
 */
export function renderCard(card: Card): DiscordMessage {
  const { rows, leftOut } = actionRows(card.actions);
  const title = truncate(safeText(card.title.trim() || 'Untitled'), MAX_EMBED_TITLE);
  const status = truncate(statusLine(card), MAX_AUTHOR_NAME);
  const footer = footerText(card.context, leftOut);
  const room = MAX_EMBED_TOTAL - title.length - status.length - (footer?.length ?? 0);
  // A long-form report is split over several embeds rather than cut (render/long-embeds.ts).
  const { description, fields, continued } = card.markdown ? reportBody({ ...card, markdown: card.markdown }, title, room) : { ...embedBody(card, room), continued: [] };
  const color = STATE_COLOUR[card.state] ?? SEVERITY_COLOUR[card.severity];
  const embed: Embed = {
    title,
    ...(description ? { description } : {}),
    color,
    author: { name: status },
    fields,
    ...(footer ? { footer: { text: footer } } : {}),
  };
  const embeds = [embed, ...continued.map((more) => ({ ...more, color }))];
  // Pings are off for the whole message, whatever the text says: nothing Triage posts is a page.
  return { content: fallbackText(card), embeds, components: rows, allowed_mentions: { parse: [] } };
}

/**
 * What a notification shows and what sits above the embed: "🔴 CRITICAL: <title>", with the state
 * once closed. One line: the embed under it has everything else.
 */
export function fallbackText(card: Card): string {
  const status = [SEVERITY_WORDS[card.severity], STATE_WORDS[card.state]].filter(Boolean).join(' • ');
  return truncate(`${status}: ${safeText(card.title.replace(/\s+/g, ' ').trim() || 'Untitled')}`, MAX_FALLBACK_TEXT);
}
