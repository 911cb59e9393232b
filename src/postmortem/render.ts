import type { Card } from '../chat/card.js';
import type { ActionItem, Minutes } from './minutes.js';

/**
 * The minutes as Markdown (GET /incidents/<id>/postmortem.md, the console) and as one card for
 * the incident thread. Both only format: every word comes from the Minutes.
 */
const clock = (iso: string): string => `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
const capital = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);
const impactLine = (m: Minutes): string => m.impact.map((i) => `${i.count} ${i.label}`).join(', ') || 'none counted';

/** Grouped by owner like the seed ("James: ✅ ... ⏳ ..."); items without one go last. */
function byOwner(items: ActionItem[]): Array<[string, ActionItem[]]> {
  const groups = new Map<string, ActionItem[]>();
  for (const item of items) {
    const owner = item.owner ?? 'Unassigned';
    groups.set(owner, [...(groups.get(owner) ?? []), item]);
  }
  return [...groups].sort(([a], [b]) => (a === 'Unassigned' ? 1 : b === 'Unassigned' ? -1 : 0));
}

const itemLine = (item: ActionItem): string => {
  const mark = item.status === 'done' ? '✅' : '⏳';
  const when = item.at ? ` (${clock(item.at)})` : '';
  const text = item.url ? `[${item.text}](${item.url})` : item.text;
  return `${mark} ${text}${item.status === 'done' ? ' (DONE)' : ''}${when}`;
};

export function renderMarkdown(m: Minutes): string {
  return [`# Incident Post-Mortem — ${m.title}`, '', `_${m.note}_`, '', ...markdownBody(m, { facts: true }), ''].join('\n');
}

/**
 * The minutes from the summary on. The card's long-form Markdown leaves out the title, the note
 * and the duration and impact lines: the card shows those as its header, context and fields.
 */
function markdownBody(m: Minutes, options: { facts: boolean }): string[] {
  return [
    '## Incident summary',
    ...(options.facts ? [`- Duration: ${m.duration} (${clock(m.startedAt)} – ${clock(m.endedAt)}${m.ongoing ? ', still open' : ''})`, `- Impact: ${impactLine(m)}`] : []),
    `- Root causes: ${m.rootCauses.length} contributing factor${m.rootCauses.length === 1 ? '' : 's'}`,
    '',
    m.summary,
    '',
    '## Root causes',
    ...m.rootCauses.flatMap((c, i) => [
      `${i + 1}. **${capital(c.rank)}: ${c.title}**`,
      `   - Cause: ${c.cause}`,
      `   - Contributing factor: ${c.contributingFactor}`,
      ...(c.impact.length ? [`   - Impact: ${c.impact.join('; ')}`] : []),
      `   - Prevention: ${c.prevention}${c.owner ? ` (suggested owner: ${c.owner})` : ''}`,
    ]),
    '',
    '## Action items',
    ...(m.actionItems.length ? byOwner(m.actionItems).flatMap(([owner, items]) => [`- ${owner}:`, ...items.map((i) => `  - ${itemLine(i)}`)]) : ['- None recorded.']),
    ...(m.changes?.length ? ['', '## What changed before it broke', ...m.changes.map((t) => `- ${t}`)] : []),
    ...(m.thread?.length ? ['', '## From the incident thread', ...m.thread.map((t) => `- ${t}`)] : []),
    '',
    '## Lessons learned',
    ...m.lessons.map((l) => `- ${l}`),
    '',
    '## Follow-up',
    ...m.followUp.map((f) => `- ${f}`),
  ];
}

/** Block Kit: a section's text holds 3,000 characters; longer minutes point to the Markdown. */
const TEXT_LIMIT = 2900;

function cardText(m: Minutes, incidentId: number): string {
  const causes = m.rootCauses
    .filter((c) => c.rank !== 'contributing')
    .map((c) => `*${capital(c.rank)}: ${c.title}*\nCause: ${c.cause}\nPrevention: ${c.prevention}${c.owner ? ` (${c.owner})` : ''}`);
  const done = m.actionItems.filter((i) => i.status === 'done').map((i) => `✅ ${i.owner ? `${i.owner}: ` : ''}${i.text}`);
  const open = m.actionItems.filter((i) => i.status === 'open').map((i) => `⏳ ${i.owner ? `${i.owner}: ` : ''}${i.text}`);
  const sections = [
    m.summary,
    `*Root causes*\n${causes.join('\n\n') || 'none identified'}`,
    `*Action items*\n${[...done, ...open].join('\n') || 'none recorded'}`,
    `*Lessons learned*\n${m.lessons.map((l) => `• ${l}`).join('\n')}`,
    ...(m.changes?.length ? [`*What changed before it broke*\n${m.changes.join('\n')}`] : []),
    ...(m.thread?.length ? [`*From the incident thread*\n${m.thread.join('\n')}`] : []),
  ];
  const text = sections.join('\n\n');
  if (text.length <= TEXT_LIMIT) return text;
  const more = `\n… full minutes: /incidents/${incidentId}/postmortem.md`;
  return text.slice(0, TEXT_LIMIT - more.length) + more;
}

export function minutesCard(m: Minutes, incidentId: number): Card {
  return {
    title: `Incident Post-Mortem — ${m.title}`.slice(0, 150),
    severity: 'info',
    state: 'info',
    text: cardText(m, incidentId),
    markdown: markdownBody(m, { facts: false }).join('\n'),
    fields: [
      { label: 'Duration', value: `${m.duration} (${clock(m.startedAt).slice(11)} – ${clock(m.endedAt).slice(11)})` },
      { label: 'Impact', value: impactLine(m).slice(0, 2000) },
    ],
    entities: [],
    actions: [],
    // Where the whole minutes are, for a chat that has to leave part of them out (Discord's 6000).
    context: `${m.note} · full minutes: /incidents/${incidentId}/postmortem.md`,
  };
}
