import type { Card } from '../../../src/chat/card.js';
import type { Embed, EmbedField } from '../message.js';
import { embedBody } from './embed.js';
import { MAX_EMBED_DESCRIPTION, MAX_EMBED_TITLE } from './limits.js';
import { headingsAsBold, leftOutNote, splitReport } from './long.js';
import { safeText, truncate } from './text.js';

/** Discord takes up to 10 embeds in one message, all of them sharing the 6000 characters. */
const MAX_EMBEDS = 10;

export type ReportBody = { description: string; fields: EmbedField[]; continued: Array<Omit<Embed, 'color'>> };

/**
 * A long-form card (one with `markdown`: the Doctor report, the minutes) as the first embed's
 * description plus continuation embeds, split between lines within the `room` the 6000-character
 * total leaves. The Markdown is the whole report (the minutes' `text` is already cut for Slack's
 * 3000), so Discord shows up to twice as much before the note says what is left out and where.
 */
export function reportBody(card: Card & { markdown: string }, title: string, room: number): ReportBody {
  const { fields } = embedBody({ ...card, text: '' }, room);
  const fieldsSize = fields.reduce((n, f) => n + f.name.length + f.value.length, 0);
  const left = room - fieldsSize;
  const continuedTitle = truncate(`${title} (continued)`, MAX_EMBED_TITLE);
  const split = splitReport(
    safeText(headingsAsBold(card.markdown.trim())),
    { first: Math.min(MAX_EMBED_DESCRIPTION, left), next: MAX_EMBED_DESCRIPTION, maxChunks: MAX_EMBEDS, total: left, perExtraChunk: continuedTitle.length },
    leftOutNote(card, 'a Discord message holds 6000'),
  );
  const [first = '', ...rest] = split.chunks;
  return { description: first, fields, continued: rest.map((description) => ({ title: continuedTitle, description, fields: [] })) };
}
