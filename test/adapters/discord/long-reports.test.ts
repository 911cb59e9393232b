import { describe, expect, it } from 'vitest';
import { renderCard, type DiscordMessage } from '../../../adapters/discord/render.js';
import { headingsAsBold } from '../../../adapters/discord/render/long.js';
import { safeText } from '../../../adapters/discord/render/text.js';
import { Card } from '../../../src/chat/card.js';
import { doctorCard } from '../../../src/doctor/card.js';
import { minutesCard } from '../../../src/postmortem/minutes.js';
import { doctorReport, minutes } from '../../support/seed-cards.js';

const charsOf = (m: DiscordMessage) =>
  m.embeds.reduce((n, e) => n + e.title.length + (e.description?.length ?? 0) + (e.author?.name.length ?? 0) + (e.footer?.text.length ?? 0) + e.fields.reduce((s, f) => s + f.name.length + f.value.length, 0), 0);
const shownLines = (m: DiscordMessage) => m.embeds.flatMap((e) => (e.description ?? '').split('\n'));
const doctor = (lines: number) => Card.parse(doctorCard(doctorReport('WARNING', Array.from({ length: lines }, (_, i) => `• bash-runtime-${i} (connection refused after 5 s)`))));

describe('a long report on Discord is split, never silently cut', () => {
  it('a Doctor report of 90 runtimes (about 4,600 characters) shows whole, over two embeds', () => {
    const card = doctor(90);
    const message = renderCard(card);
    expect(message.embeds.length).toBe(2);
    expect(message.embeds[1]!.title).toBe('Doctor Report (continued)');
    expect(charsOf(message)).toBeLessThanOrEqual(6000);
    // Every line of the report, in order, none cut: the split falls between lines.
    expect(shownLines(message).filter((l) => l !== '')).toEqual(card.markdown!.split('\n').filter((l) => l !== ''));
    expect(JSON.stringify(message)).not.toContain('not shown');
  });

  it('a Doctor report of 400 runtimes shows what fits in 6000 characters, whole lines only, and says what is left and where', () => {
    const card = doctor(400);
    const message = renderCard(card);
    expect(charsOf(message)).toBeLessThanOrEqual(6000);
    expect(message.embeds.length).toBeLessThanOrEqual(10);
    const source = new Set(card.markdown!.split('\n'));
    const lines = shownLines(message).filter((l) => l !== '');
    const note = lines.pop()!;
    expect(lines.every((l) => source.has(l))).toBe(true);
    const [, left] = /… (\d+) more lines/.exec(note) ?? [];
    expect(lines.length + Number(left)).toBe(card.markdown!.split('\n').filter((l) => l !== '').length + 2);
    expect(note).toContain('Copy report (below) posts the whole report.');
    // The Copy report button is still there to do what the note says.
    expect(message.components.flatMap((r) => r.components).map((b) => b.label)).toContain('Copy report');
  });

  it('minutes with 30 root causes: the whole Markdown split at lines, then how much is left out', () => {
    const card = Card.parse(minutesCard(minutes, 7));
    const message = renderCard(card);
    expect(charsOf(message)).toBeLessThanOrEqual(6000);
    const shown = message.embeds.map((e) => e.description ?? '').join('\n');
    // More than the card's text holds for Slack, and headings drawn as bold lines.
    expect(shown.length).toBeGreaterThan(card.text.length * 1.5);
    expect(shown).toContain('**Root causes**');
    expect(shown).not.toMatch(/^#/m);
    const note = shownLines(message).at(-1)!;
    // ...and where to read them whole: the minutes card names its Markdown route.
    expect(note).toMatch(/^\*… \d+ more lines \([\d,]+ characters\) not shown: a Discord message holds 6000\. .*\/incidents\/\d+\/postmortem\.md.*\*$/);
    // As the reader sees them: headings as bold lines, masked links broken (render/text.ts).
    const source = new Set(safeText(headingsAsBold(card.markdown!)).split('\n'));
    expect(shownLines(message).slice(0, -1).filter((l) => l !== '').every((l) => source.has(l))).toBe(true);
  });

  it('minutes whose text the core already cut: the note says where to read them in full', () => {
    const primary = { ...minutes, rootCauses: minutes.rootCauses.map((c) => ({ ...c, rank: 'primary' as const })) };
    const card = Card.parse(minutesCard(primary, 7));
    expect(card.text).toMatch(/full minutes: \/incidents\/7\/postmortem\.md$/);
    const note = shownLines(renderCard(card)).at(-1)!;
    expect(note).toMatch(/not shown: a Discord message holds 6000\. full minutes: \/incidents\/7\/postmortem\.md\*$/);
  });

  it('a card that names the full report in its context line: the note repeats it', () => {
    const card = doctor(400);
    const named = Card.parse({ ...card, actions: [], context: 'Run #3 · full report: /doctor/runs/3.txt' });
    expect(shownLines(renderCard(named)).at(-1)).toMatch(/not shown: a Discord message holds 6000\. full report: \/doctor\/runs\/3\.txt\*$/);
  });

  it('a line too long for an embed breaks at a space; a single word longer than that is cut with "…" on both sides', () => {
    const words = Array.from({ length: 400 }, (_, i) => `word${i}`).join(' ');
    const card = Card.parse({ title: 'Report', severity: 'info', text: 'short', markdown: `${words}\n${'x'.repeat(2500)}` });
    const message = renderCard(card);
    const shown = message.embeds.map((e) => e.description ?? '').join('\n');
    for (const token of shown.split(/\s+/).filter((t) => t.startsWith('word'))) expect(token).toMatch(/^word\d+$/);
    expect(shown).toMatch(/x…\n…x/);
    expect(charsOf(message)).toBeLessThanOrEqual(6000);
  });

  it('a short report is one embed, as before', () => {
    const message = renderCard(Card.parse(doctorCard(doctorReport('HEALTHY', []))));
    expect(message.embeds).toHaveLength(1);
    expect(message.embeds[0]!.description).toContain('**OVERALL: HEALTHY**');
  });
});
