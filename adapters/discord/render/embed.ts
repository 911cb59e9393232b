import type { Card, CardAction } from '../../../src/chat/card.js';
import type { EmbedField } from '../message.js';
import {
  MAX_BUTTON_LABEL,
  MAX_EMBED_DESCRIPTION,
  MAX_EMBED_FIELDS,
  MAX_ENTITY_LINE,
  MAX_ENTITY_LINES,
  MAX_FIELD_NAME,
  MAX_FIELD_VALUE,
  MAX_FIELDS,
  MAX_FOOTER_CONTEXT,
  MAX_FOOTER_NOTE,
  MAX_INLINE_FIELD,
} from './limits.js';
import { joinWithin, safeText, truncate } from './text.js';

/** Discord refuses an empty field name; a zero-width space is the accepted "no name". */
const BLANK = '\u200B';
/** A fact cut shorter than this reads as noise; better counted in "…and N more fields". */
const MIN_CUT_VALUE = 40;

const size = (f: EmbedField | undefined) => (f ? f.name.length + f.value.length : 0);
const moreFields = (n: number): EmbedField => ({ name: BLANK, value: `…and ${n} more fields`, inline: false });

/**
 * Description and fields in `room` characters (what the 6000 embed total leaves after title,
 * author and footer). The list fields (entities, then the card's facts) are promised up to half the
 * room and the description takes the rest, up to 4096; what the description leaves unused goes
 * back to the lists. So a 10,000-character text cannot push out every fact, nor 60 facts the text.
 */
export function embedBody(card: Card, room: number): { description: string; fields: EmbedField[] } {
  const text = safeText(card.text.trim());
  const facts = card.fields.map(factField);
  const listNeed = size(entityField(card.entities, Infinity)) + facts.reduce((n, f) => n + size(f), 0);
  const description = truncate(text, Math.min(MAX_EMBED_DESCRIPTION, room - Math.min(listNeed, Math.floor(room / 2))));
  let left = room - description.length;
  const entities = entityField(card.entities, left);
  left -= size(entities);
  const links = linkField(card.links ?? [], left);
  left -= size(links);
  const extra = [entities, links].filter((f): f is EmbedField => f !== undefined);
  const shown = fitFields(facts, left, Math.min(MAX_FIELDS, MAX_EMBED_FIELDS - extra.length));
  return { description, fields: [...shown, ...extra] };
}

/**
 * The card's links as masked links, "[text](url) · …": the one place we write link syntax. The
 * URL is the card model's (http(s), checked) and may not hold ")" or spaces; the text loses
 * brackets, so neither can end the link early or start another.
 */
function linkField(links: NonNullable<Card['links']>, room: number): EmbedField | undefined {
  const parts = links
    .filter((l) => /^https?:\/\/[^\s()<>]+$/i.test(l.url))
    .map((l) => `[${safeText(l.text.replace(/[[\]()\n]/g, ' ')).trim() || 'link'}](${l.url})`);
  const name = 'Links';
  const value = joinWithin(parts, ' · ', Math.min(MAX_FIELD_VALUE, room - name.length));
  return parts.length && value ? { name, value, inline: false } : undefined;
}

/** A card field at Discord's per-field limits; short ones sit side by side. */
function factField(field: Card['fields'][number]): EmbedField {
  const name = truncate(safeText(field.label.trim()), MAX_FIELD_NAME) || BLANK;
  const value = truncate(safeText(field.value.trim()), MAX_FIELD_VALUE) || '—';
  const inline = name.length <= MAX_INLINE_FIELD && value.length <= MAX_INLINE_FIELD && !value.includes('\n');
  return { name, value, inline };
}

/**
 * Fields in order while they fit in `room` and `maxCount`, the last one cut if enough of it
 * shows, always keeping room for the "…and N more fields" that replaces the rest.
 */
function fitFields(fields: readonly EmbedField[], room: number, maxCount: number): EmbedField[] {
  if (fields.length === 0 || maxCount < 1 || room < size(moreFields(fields.length))) return [];
  const kept: EmbedField[] = [];
  let left = room;
  for (const [i, field] of fields.entries()) {
    const after = fields.length - i - 1;
    if (kept.length === maxCount - (after > 0 ? 1 : 0)) break;
    const budget = left - (after > 0 ? size(moreFields(after)) : 0) - field.name.length;
    if (field.value.length > budget && budget < MIN_CUT_VALUE) break;
    const fit = field.value.length > budget ? { ...field, value: truncate(field.value, budget), inline: false } : field;
    kept.push(fit);
    left -= size(fit);
  }
  const dropped = fields.length - kept.length;
  return dropped > 0 ? [...kept, moreFields(dropped)] : kept;
}

/** "• id (label) — detail" lines in one field of at most `room` characters, then "…and N more". */
function entityField(entities: Card['entities'], room: number): EmbedField | undefined {
  if (entities.length === 0) return undefined;
  const name = `Affected (${entities.length})`;
  const max = Math.min(MAX_FIELD_VALUE, room - name.length);
  if (max < MIN_CUT_VALUE) return undefined;
  const lines = entities.map((e) => {
    const raw = `• ${entityName(e)}${e.detail ? ` — ${e.detail}` : ''}`;
    return truncate(safeText(raw.replace(/\s*\n\s*/g, ' ')), MAX_ENTITY_LINE);
  });
  return { name, value: joinWithin(lines, '\n', max, MAX_ENTITY_LINES), inline: false };
}

/** "id (label)", or the label alone when it already names the id ("bash-runtime-mike (Mike)"). */
function entityName(e: Card['entities'][number]): string {
  if (!e.label) return e.id;
  return e.label.includes(e.id) ? e.label : `${e.id} (${e.label})`;
}

/**
 * The card's context line, then, when some actions could not be buttons, where to find them: a
 * reader must not conclude that a fix does not exist because Discord could not show it.
 */
export function footerText(context: string | undefined, leftOut: readonly CardAction[]): string | undefined {
  const labels = leftOut.map((a) => truncate(safeText(a.label.trim() || a.id), MAX_BUTTON_LABEL));
  const lead = 'Some actions are only in the console / Slack: ';
  const note = labels.length > 0 ? lead + joinWithin(labels, ', ', MAX_FOOTER_NOTE - lead.length) : '';
  const line = truncate(safeText(context?.trim() ?? ''), MAX_FOOTER_CONTEXT);
  return [line, note].filter(Boolean).join('\n') || undefined;
}
