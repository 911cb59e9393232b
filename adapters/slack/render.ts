import type { types } from '@slack/bolt';
import type { Card } from '../../src/chat/card.js';
import { SEVERITY_WORDS, statusLine } from '../../src/chat/status-words.js';
import { actionRows } from './render/actions.js';
import {
  MAX_BLOCKS_PER_MESSAGE,
  MAX_FALLBACK_TEXT,
  MAX_HEADER_TEXT,
  MAX_SECTION_FIELDS,
  MAX_SECTION_FIELD_TEXT,
  MAX_SECTION_TEXT,
  MAX_TEXT_OBJECT,
} from './render/limits.js';
import { fitsWithMarkdown, markdownBlock } from './render/markdown.js';
import { escapeMrkdwn, firstLine, safeMrkdwn, truncate } from './render/text.js';

export * from './render/limits.js';
export { escapeMrkdwn, neutralizeBroadcasts, safeMrkdwn } from './render/text.js';
export { safeMarkdown } from './render/markdown.js';

type KnownBlock = types.KnownBlock;
type SectionBlock = types.SectionBlock;
type MrkdwnElement = types.MrkdwnElement;

export type SlackMessage = { text: string; blocks: KnownBlock[] };

/** A card is a notification, not a report: past this many the reader wants the full view. */
export const MAX_ENTITY_LINES = 20;
/** Same reasoning for fields: two sections of facts; 300 fields would be 30 screens on a phone. */
export const MAX_FIELDS = 2 * MAX_SECTION_FIELDS;
/** One runaway entity (a stack trace as `detail`) must not crowd out the others. */
export const MAX_ENTITY_LINE = 300;

/** verbatim: Slack must not auto-link or auto-mention inside text we did not write (see text.ts). */
const mrkdwn = (text: string): MrkdwnElement => ({ type: 'mrkdwn', text, verbatim: true });
const section = (text: string): SectionBlock => ({ type: 'section', text: mrkdwn(text) });

/**
 * Card → Block Kit for chat.postMessage and chat.update. Always within Slack's limits whatever the
 * card holds; when something must give, text and entities are cut before any button is. A card
 * with long-form Markdown (the minutes, a Doctor report) shows it in a markdown block, which
 * reads as a document (headings, nested lists) and holds 12,000 characters where a section holds
 * 3,000; when it would not fit, the card is rendered from `text` as every other card is.
 */
export function renderCard(card: Card): SlackMessage {
  const long = markdownBlock(card.markdown);
  if (long) {
    const message = assemble(card, [long]);
    if (fitsWithMarkdown(message.blocks)) return message;
  }
  const body = card.text.trim() ? [section(truncate(safeMrkdwn(card.text.trim()), MAX_SECTION_TEXT, { escaped: true }))] : [];
  return assemble(card, body);
}

function assemble(card: Card, body: KnownBlock[]): SlackMessage {
  const status = statusLine(card);
  const head: KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: truncate(card.title.trim() || 'Untitled', MAX_HEADER_TEXT), emoji: true } },
    { type: 'context', elements: [mrkdwn(status)] },
  ];
  const tail: KnownBlock[] = [
    ...linkLine(card.links ?? []),
    ...(card.context?.trim()
      ? [{ type: 'context', elements: [mrkdwn(truncate(safeMrkdwn(card.context.trim()), MAX_TEXT_OBJECT, { escaped: true }))] } as KnownBlock]
      : []),
  ];

  let room = MAX_BLOCKS_PER_MESSAGE - head.length - body.length - tail.length;
  const rows = actionRows(card.actions, room);
  room -= rows.length;
  const wantEntities = card.entities.length > 0 ? 1 : 0;
  const fields = fieldSections(card.fields, room - wantEntities);
  room -= fields.length;
  const entities = wantEntities && room > 0 ? [section(entityList(card.entities))] : [];

  return { text: fallbackText(card), blocks: [...head, ...body, ...fields, ...entities, ...rows, ...tail] };
}

/**
 * The card's links as one context line, "<url|text> · …": the only place we write link syntax
 * ourselves. The URL is the card model's (http(s), checked); the text is escaped and loses "|",
 * so neither can close the link early or start another.
 */
function linkLine(links: NonNullable<Card["links"]>): KnownBlock[] {
  const safe = links.filter((l) => /^https?:\/\/[^\s<>|]+$/i.test(l.url));
  if (!safe.length) return [];
  const parts = safe.map((l) => `<${l.url}|${escapeMrkdwn(l.text.replace(/[|\n]/g, ' ')).trim() || 'link'}>`);
  let text = '';
  for (const part of parts) {
    const next = text ? `${text} · ${part}` : part;
    if (next.length > MAX_TEXT_OBJECT) break;
    text = next;
  }
  return text ? [{ type: 'context', elements: [{ type: 'mrkdwn', text, verbatim: true }] }] : [];
}

/** What notifications and screen readers show: "🔴 CRITICAL: <title> — <first line of text>". */
export function fallbackText(card: Card): string {
  const first = firstLine(card.text);
  const raw = `${SEVERITY_WORDS[card.severity]}: ${card.title.trim()}${first ? ` — ${first}` : ''}`;
  return truncate(safeMrkdwn(raw), MAX_FALLBACK_TEXT, { escaped: true });
}

/** Fields two-up, ten to a section (Slack's cap), at most MAX_FIELDS in at most `maxBlocks` sections. */
function fieldSections(fields: Card['fields'], maxBlocks: number): SectionBlock[] {
  if (fields.length === 0 || maxBlocks < 1) return [];
  const capacity = Math.min(MAX_FIELDS, maxBlocks * MAX_SECTION_FIELDS);
  const texts = fields.map((f) => {
    const value = f.value.trim() ? safeMrkdwn(f.value) : '—';
    return truncate(f.label.trim() ? `*${safeMrkdwn(f.label.trim())}*\n${value}` : value, MAX_SECTION_FIELD_TEXT, { escaped: true });
  });
  if (texts.length > capacity) texts.splice(capacity - 1, Infinity, `…and ${texts.length - capacity + 1} more fields`);
  const sections: SectionBlock[] = [];
  for (let i = 0; i < texts.length; i += MAX_SECTION_FIELDS) {
    sections.push({ type: 'section', fields: texts.slice(i, i + MAX_SECTION_FIELDS).map(mrkdwn) });
  }
  return sections;
}

/** `• id (label) — detail` lines, as many as fit in one section, then "…and N more". */
function entityList(entities: Card['entities']): string {
  const lines = entities.map((e) => {
    const raw = `• ${e.id}${e.label ? ` (${e.label})` : ''}${e.detail ? ` — ${e.detail}` : ''}`;
    return truncate(safeMrkdwn(raw.replace(/\s*\n\s*/g, ' ')), MAX_ENTITY_LINE, { escaped: true });
  });
  const more = (n: number) => (n > 0 ? `\n…and ${n} more` : '');
  let shown = 0;
  let size = 0;
  for (const line of lines) {
    if (shown === MAX_ENTITY_LINES) break;
    const next = size + (shown > 0 ? 1 : 0) + line.length;
    if (next + more(lines.length - shown - 1).length > MAX_SECTION_TEXT) break;
    size = next;
    shown += 1;
  }
  return lines.slice(0, shown).join('\n') + more(lines.length - shown);
}
