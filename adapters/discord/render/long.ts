import type { Card } from '../../../src/chat/card.js';
import { parseActionId } from '../../../src/chat/action-id.js';
import { COPY_ACTION } from '../../../src/doctor/card.js';

/**
 * Long reports (the Doctor report, the minutes) on Discord: split between lines, never cut inside
 * a word without saying so. What does not fit is counted in a closing note that says where the
 * whole report is, so a reader never mistakes a cut report for a complete one.
 */

/** A line longer than this is broken at a space into several, so it can share a chunk. */
const MAX_PIECE = 1000;
/** The closing note is at most this long; its room is kept free whenever anything is left out. */
export const MAX_LEFT_OUT_NOTE = 400;

type Piece = { text: string; line: number };

/**
 * Discord's markdown draws `**bold**` and lists in embeds and text displays alike; a heading is
 * only drawn after a blank line and not in every embed client, so headings become bold lines,
 * which read the same everywhere.
 */
export function headingsAsBold(markdown: string): string {
  return markdown.replace(/^#{1,3} +(.+)$/gm, '**$1**');
}

/** Lines, each cut at spaces into pieces of at most `max`; a single word longer than that is cut with "…". */
function pieces(text: string, max: number): Piece[] {
  return text.split('\n').flatMap((line, index) => {
    const out: Piece[] = [];
    let rest = line;
    while (rest.length > max) {
      const space = rest.lastIndexOf(' ', max);
      // No space to break at: the word itself is cut, and "…" says so on both sides.
      const [head, tail] = space > 0 ? [rest.slice(0, space), rest.slice(space + 1)] : [`${rest.slice(0, max - 1)}…`, `…${rest.slice(max - 1)}`];
      out.push({ text: head, line: index });
      rest = tail;
    }
    out.push({ text: rest, line: index });
    return out;
  });
}

export type Budget = {
  /** The first chunk's size limit (what the first embed's description or the text display can hold). */
  first: number;
  /** Every later chunk's size limit. */
  next: number;
  /** At most this many chunks. */
  maxChunks: number;
  /** All chunks together, plus `perExtraChunk` for each chunk after the first. */
  total: number;
  /** What each chunk after the first costs besides its text (a continuation embed's title). */
  perExtraChunk: number;
};

export type Split = { chunks: string[]; leftOutLines: number; leftOutChars: number };

/**
 * `text` in chunks within `budget`, breaking only between pieces. When it does not all fit, the
 * last pieces that would crowd out the note are dropped and `note(lines, chars)` ends the last chunk.
 */
export function splitReport(text: string, budget: Budget, note: (lines: number, chars: number) => string): Split {
  const all = pieces(text, Math.min(MAX_PIECE, budget.first, budget.next));
  const chunks: Piece[][] = [[]];
  const sizes = [0];
  let used = 0;
  let shown = 0;
  for (const piece of all) {
    const i = chunks.length - 1;
    const join = chunks[i]!.length > 0 ? 1 : 0;
    if (sizes[i]! + join + piece.text.length <= (i === 0 ? budget.first : budget.next) && used + join + piece.text.length <= budget.total) {
      chunks[i]!.push(piece);
      sizes[i]! += join + piece.text.length;
      used += join + piece.text.length;
    } else if (chunks.length < budget.maxChunks && used + budget.perExtraChunk + piece.text.length <= budget.total && piece.text.length <= budget.next) {
      chunks.push([piece]);
      sizes.push(piece.text.length);
      used += budget.perExtraChunk + piece.text.length;
    } else break;
    shown += 1;
  }
  if (shown === all.length) return { chunks: chunks.map(joinPieces), leftOutLines: 0, leftOutChars: 0 };
  return withNote(all, chunks, sizes, used, budget, note);
}

/** Drops pieces from the end until the note fits in the last chunk and in the total. */
function withNote(all: Piece[], chunks: Piece[][], sizes: number[], used: number, budget: Budget, note: (lines: number, chars: number) => string): Split {
  for (;;) {
    const last = chunks.length - 1;
    const kept = chunks.flat();
    const rest = all.slice(kept.length);
    const lines = new Set(rest.map((p) => p.line)).size;
    const chars = rest.reduce((n, p) => n + p.text.length + 1, -1);
    const text = note(lines, chars).slice(0, MAX_LEFT_OUT_NOTE);
    const join = sizes[last]! > 0 ? 2 : 0;
    const limit = last === 0 ? budget.first : budget.next;
    if ((sizes[last]! + join + text.length <= limit && used + join + text.length <= budget.total) || kept.length === 0) {
      const out = chunks.map(joinPieces);
      out[last] = [out[last], text].filter(Boolean).join('\n\n');
      return { chunks: out, leftOutLines: lines, leftOutChars: chars };
    }
    const dropped = chunks[last]!.pop()!;
    const size = dropped.text.length + (chunks[last]!.length > 0 ? 1 : 0);
    sizes[last]! -= size;
    used -= size;
    if (chunks[last]!.length === 0 && last > 0) {
      chunks.pop();
      sizes.pop();
      used -= budget.perExtraChunk;
    }
  }
}

const joinPieces = (chunk: Piece[]): string => chunk.map((p) => p.text).join('\n');

/**
 * Where the whole report is, in the card's own words: a card whose text the core already cut
 * ends with its "… full minutes: /incidents/<id>/postmortem.md" line (src/postmortem/render.ts);
 * a card may say the same in its context line; the Doctor card carries Copy report
 * (src/doctor/card.ts), which posts it all as plain text.
 */
export function whereInFull(card: Card): string {
  const last = card.text.trim().split('\n').at(-1)?.trim() ?? '';
  if (/^… ?\S.*\//.test(last)) return last.replace(/^… ?/, '');
  const inContext = /\bfull [^:·\n]+: \/\S+/.exec(card.context ?? '');
  if (inContext) return inContext[0];
  const copy = card.actions.some((a) => {
    const parsed = parseActionId(a.id);
    return parsed.ok && parsed.value.action === COPY_ACTION;
  });
  return copy ? 'Copy report (below) posts the whole report.' : '';
}

/** "… 312 more lines (14,020 characters) not shown: a Discord message holds 6000. <where>" */
export function leftOutNote(card: Card, limit: string): (lines: number, chars: number) => string {
  const where = whereInFull(card);
  return (lines, chars) =>
    `*… ${lines} more line${lines === 1 ? '' : 's'} (${chars.toLocaleString('en-US')} characters) not shown: ${limit}.${where ? ` ${where}` : ''}*`;
}
