import { parseActionId } from '../../../src/chat/action-id.js';
import type { Card, CardAction } from '../../../src/chat/card.js';
import { statusLine } from '../../../src/chat/status-words.js';
import { ComponentType, type ActionRow, type Button } from '../message.js';
import { SEVERITY_COLOUR, STATE_COLOUR } from '../render.js';
import { button } from './actions.js';
import { footerText } from './embed.js';
import { MAX_AUTHOR_NAME, MAX_BUTTONS_PER_ROW, MAX_CUSTOM_ID, MAX_EMBED_TITLE, MAX_ENTITY_LINE, MAX_ENTITY_LINES, MAX_FIELDS, MAX_INLINE_FIELD } from './limits.js';
import { headingsAsBold, leftOutNote, splitReport } from './long.js';
import { joinWithin, safeText, truncate } from './text.js';
import { IS_COMPONENTS_V2, MAX_V2_COMPONENTS, MAX_V2_TEXT, textLength, V2Type, type ContainerChild, type DiscordV2Message, type Section, type TextDisplay } from './v2-message.js';

/**
 * Card → a Components V2 message: one container with the card's colour, text displays for the
 * title, text, facts, entities, links and context, an entity a button acts on as a section with
 * that button beside it, the other buttons in rows. Always within V2's 40 components and 4000
 * characters. Not the default (docs/discord-card-formats.md says why); kept to compare and to
 * switch to once each sent message records its format.
 */
const MAX_BUTTONS = 25;
/** Past this, sections (3 components each) would crowd out the rows of the remaining buttons. */
const MAX_SECTIONS = 10;

const text = (content: string): TextDisplay => ({ type: V2Type.TextDisplay, content });
const rowsOf = (buttons: Button[]): ActionRow[] =>
  Array.from({ length: Math.ceil(buttons.length / MAX_BUTTONS_PER_ROW) }, (_, i) => ({ type: ComponentType.ActionRow, components: buttons.slice(i * MAX_BUTTONS_PER_ROW, (i + 1) * MAX_BUTTONS_PER_ROW) }));

export function renderCardV2(card: Card): DiscordV2Message {
  const colour = STATE_COLOUR[card.state] ?? SEVERITY_COLOUR[card.severity];
  const { kept, leftOut } = usableActions(card.actions);
  const plan = planSections(card, kept);
  const header = text(`-# ${truncate(statusLine(card), MAX_AUTHOR_NAME)}\n### ${truncate(safeText(card.title.replace(/\s+/g, ' ').trim() || 'Untitled'), MAX_EMBED_TITLE)}`);
  const sections: Section[] = plan.sections.map(({ line, action }) => ({ type: V2Type.Section, components: [text(line)], accessory: button(action) }));
  const rows = rowsOf(plan.rest.map(button));
  const footer = footerText(card.context, [...leftOut, ...plan.dropped]);
  const context = footer ? [text(footer.split('\n').map((l) => `-# ${l}`).join('\n'))] : [];
  const fixed: ContainerChild[] = [header, ...sections, ...context];
  const body = bodyTexts(card, plan.listed, MAX_V2_TEXT - textLength(fixed));
  const children: ContainerChild[] = [
    header,
    ...body.top,
    ...sections,
    ...body.links,
    ...(rows.length ? [{ type: V2Type.Separator, divider: true, spacing: 1 } as const, ...rows] : []),
    ...context,
  ];
  return { flags: IS_COMPONENTS_V2, components: [{ type: V2Type.Container, accent_color: colour, components: children }], allowed_mentions: { parse: [] } };
}

/** The same rules as the embed's rows (render/actions.ts): no repeated id, custom_id within 100, 25 at most. */
function usableActions(actions: readonly CardAction[]): { kept: CardAction[]; leftOut: CardAction[] } {
  const kept: CardAction[] = [];
  const leftOut: CardAction[] = [];
  const seen = new Set<string>();
  for (const action of actions) {
    if (seen.has(action.id)) continue;
    seen.add(action.id);
    const size = action.id.length + (action.confirm ? 1 : 0);
    if (size >= 1 && size <= MAX_CUSTOM_ID && kept.length < MAX_BUTTONS) kept.push(action);
    else leftOut.push(action);
  }
  return { kept, leftOut };
}

type Plan = { sections: Array<{ line: string; action: CardAction }>; listed: Card['entities']; rest: CardAction[]; dropped: CardAction[] };

/**
 * An entity that a button targets (the action id's target, src/chat/action-id.ts) becomes a
 * section with its first such button beside it; sections are given up from the last while the
 * message would pass 40 components, their buttons going back to the rows in the card's order.
 */
function planSections(card: Card, actions: CardAction[]): Plan {
  const targetOf = (a: CardAction) => {
    const parsed = parseActionId(a.id);
    return parsed.ok && parsed.value.target ? `${parsed.value.target.kind}:${parsed.value.target.id}` : undefined;
  };
  const used = new Set<CardAction>();
  const paired: Array<{ entity: Card['entities'][number]; action: CardAction }> = [];
  for (const entity of card.entities) {
    const action = actions.find((a) => !used.has(a) && targetOf(a) === `${entity.kind}:${entity.id}`);
    if (!action || paired.length === MAX_SECTIONS) continue;
    used.add(action);
    paired.push({ entity, action });
  }
  // Container, header, text, facts, entity list, links, separator, context: at most 8 besides these.
  const cost = (n: number) => 8 + n * 3 + buttonRowsCost(actions.length - n);
  while (paired.length > 0 && cost(paired.length) > MAX_V2_COMPONENTS) paired.pop();
  const inSections = new Set(paired.map((p) => p.action));
  const rest = actions.filter((a) => !inSections.has(a));
  const fits = Math.max(0, rest.length - Math.max(0, cost(paired.length) - MAX_V2_COMPONENTS));
  const sectioned = new Set(paired.map((p) => p.entity));
  return {
    sections: paired.map(({ entity, action }) => ({ line: entityLine(entity, true), action })),
    listed: card.entities.filter((e) => !sectioned.has(e)),
    rest: rest.slice(0, fits),
    dropped: rest.slice(fits),
  };
}

const buttonRowsCost = (n: number) => n + Math.ceil(n / MAX_BUTTONS_PER_ROW);

function entityLine(e: Card['entities'][number], bold: boolean): string {
  const name = !e.label ? e.id : e.label.includes(e.id) ? e.label : `${e.id} (${e.label})`;
  const raw = `${bold ? `**${name}**` : `• ${name}`}${e.detail ? ` — ${e.detail}` : ''}`;
  return truncate(safeText(raw.replace(/\s*\n\s*/g, ' ')), MAX_ENTITY_LINE);
}

/**
 * The card's text, facts, entity list and links in `room` characters: the lists are promised up
 * to half and the text takes the rest, as in the embed (render/embed.ts). A long-form card shows
 * its Markdown, cut between lines with a note saying what is left out and where.
 */
function bodyTexts(card: Card, listed: Card['entities'], room: number): { top: TextDisplay[]; links: TextDisplay[] } {
  const facts = factsText(card.fields, Infinity);
  const entities = listed.length ? `**Affected (${card.entities.length})**\n${joinWithin(listed.map((e) => entityLine(e, false)), '\n', Infinity, MAX_ENTITY_LINES)}` : '';
  const links = linksText(card.links ?? []);
  const listNeed = facts.length + entities.length + links.length;
  const bodyRoom = Math.max(0, room - Math.min(listNeed, Math.floor(room / 2)));
  const body = card.markdown
    ? (splitReport(safeText(headingsAsBold(card.markdown.trim())), { first: bodyRoom, next: bodyRoom, maxChunks: 1, total: bodyRoom, perExtraChunk: 0 }, leftOutNote(card, 'a Discord V2 message holds 4000')).chunks[0] ?? '')
    : truncate(safeText(card.text.trim()), bodyRoom);
  let left = room - body.length;
  const fit = (s: string) => {
    const shown = s.length <= left ? s : '';
    left -= shown.length;
    return shown;
  };
  const factsShown = facts.length <= left ? facts : left >= 40 ? factsText(card.fields, left) : '';
  left -= factsShown.length;
  const parts = [body, factsShown, fit(entities)].filter(Boolean).map(text);
  const linkPart = fit(links);
  return { top: parts, links: linkPart ? [text(linkPart)] : [] };
}

/** Short facts side by side on one line ("**Duration** 1h 8m · **Impact** 2 runtimes"), long ones on their own. */
function factsText(fields: Card['fields'], max: number): string {
  const lines: string[] = [];
  let inline: string[] = [];
  for (const f of fields.slice(0, MAX_FIELDS)) {
    const label = safeText(f.label.trim());
    const value = safeText(f.value.trim()) || '—';
    const short = label.length <= MAX_INLINE_FIELD && value.length <= MAX_INLINE_FIELD && !value.includes('\n');
    if (short) {
      inline.push(`**${label}** ${value}`);
      continue;
    }
    if (inline.length) lines.push(inline.join(' · '));
    lines.push(truncate(`**${label}**\n${value}`, 1024));
    inline = [];
  }
  if (inline.length) lines.push(inline.join(' · '));
  const more = fields.length - Math.min(fields.length, MAX_FIELDS);
  const all = [...lines, ...(more > 0 ? [`…and ${more} more fields`] : [])];
  return max === Infinity ? all.join('\n') : joinWithin(all, '\n', max);
}

function linksText(links: NonNullable<Card['links']>): string {
  const parts = links
    .filter((l) => /^https?:\/\/[^\s()<>]+$/i.test(l.url))
    .map((l) => `[${safeText(l.text.replace(/[[\]()\n]/g, ' ')).trim() || 'link'}](${l.url})`);
  return parts.join(' · ');
}
