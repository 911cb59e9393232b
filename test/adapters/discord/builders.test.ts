import {
  ActionRowBuilder,
  ButtonBuilder,
  EmbedBuilder,
  embedLength,
  enableValidators,
  isValidationEnabled,
  SlashCommandBuilder,
  type APIEmbed,
  type ButtonStyle,
} from 'discord.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { commandDefinitions, DISCORD_COMMANDS } from '../../../adapters/discord/commands.js';
import { renderCard, type DiscordMessage, type Embed } from '../../../adapters/discord/render.js';
import { systemActor } from '../../../src/actor.js';
import { approvalCard } from '../../../src/approvals/card.js';
import { Approval } from '../../../src/approvals/model.js';
import { Card, CardState } from '../../../src/chat/card.js';
import { doctorCard } from '../../../src/doctor/card.js';
import { DoctorReport } from '../../../src/doctor/report.js';
import { checkEvent } from '../../../src/events/envelope.js';
import { incidentCard } from '../../../src/incidents/card.js';
import type { Incident } from '../../../src/incidents/model.js';
import { insightCard } from '../../../src/insights/card.js';
import { catalog } from '../../../src/insights/catalog/index.js';
import { evaluate, hashDetection } from '../../../src/insights/evaluate.js';
import type { Insight } from '../../../src/insights/insight.js';
import { emptySnapshot } from '../../../src/insights/platform-snapshot.js';
import { insightActionId } from '../../../src/insights/publish.js';
import { SignalWindow } from '../../../src/insights/signal-window.js';
import type { StoredEvent } from '../../../src/intake/event-writer.js';
import { scenarios } from '../../../src/platform/scenarios/index.js';
import { minutesCard, type Minutes } from '../../../src/postmortem/minutes.js';
import { escalationCard } from '../../../src/remediation/escalation-card.js';

/**
 * Every message Triage renders for Discord, rebuilt through discord.js's builders with their
 * validators on (lengths, styles, custom_id, colour), must come out as the same JSON: a payload
 * Discord would refuse fails here, not as a 400 on a card nobody sees. The builders do not check
 * message-wide limits, so those are checked here with Discord's numbers written out.
 */
enableValidators();

/** Through the builders' setters, which validate; the result must be what we rendered. */
function rebuiltEmbed(embed: Embed): APIEmbed {
  const builder = new EmbedBuilder().setTitle(embed.title).setColor(embed.color);
  if (embed.description !== undefined) builder.setDescription(embed.description);
  if (embed.author) builder.setAuthor({ name: embed.author.name });
  builder.setFields(...embed.fields);
  if (embed.footer) builder.setFooter({ text: embed.footer.text });
  return builder.toJSON();
}

function rebuiltRows(message: DiscordMessage) {
  return message.components.map((row) =>
    new ActionRowBuilder<ButtonBuilder>()
      .addComponents(row.components.map((b) => new ButtonBuilder().setStyle(b.style as number as ButtonStyle).setLabel(b.label).setCustomId(b.custom_id).setDisabled(b.disabled ?? false)))
      .toJSON(),
  );
}

const plain = (value: unknown) => JSON.parse(JSON.stringify(value)) as unknown;
const withDisabled = (message: DiscordMessage) =>
  message.components.map((row) => ({ ...row, components: row.components.map((b) => ({ disabled: false, ...b })) }));

/** What Discord checks across the whole message (https://discord.com/developers/docs/resources/message#create-message). */
function messageWideProblems(message: DiscordMessage): string[] {
  const problems: string[] = [];
  if (message.content.length > 2000) problems.push(`content is ${message.content.length} characters (max 2000)`);
  if (message.embeds.length > 10) problems.push(`${message.embeds.length} embeds (max 10)`);
  const total = message.embeds.reduce((sum, e) => sum + embedLength(e as APIEmbed), 0);
  if (total > 6000) problems.push(`embeds hold ${total} characters (max 6000)`);
  if (message.components.length > 5) problems.push(`${message.components.length} action rows (max 5)`);
  message.components.forEach((row, i) => row.components.length > 5 && problems.push(`row ${i} has ${row.components.length} buttons (max 5)`));
  const ids = message.components.flatMap((row) => row.components.map((b) => b.custom_id));
  if (new Set(ids).size !== ids.length) problems.push('repeated custom_id');
  if (message.embeds.some((e) => e.fields.length > 25)) problems.push('more than 25 fields');
  return problems;
}

function expectDiscordAccepts(message: DiscordMessage): void {
  expect(isValidationEnabled()).toBe(true);
  expect(plain(message.embeds.map(rebuiltEmbed))).toEqual(plain(message.embeds));
  expect(plain(rebuiltRows(message))).toEqual(plain(withDisabled(message)));
  expect(messageWideProblems(message)).toEqual([]);
}

const START = new Date('2026-05-03T14:32:00Z');

/** Every card the scenarios raise, as the publisher draws it (the same as test/adapters/every-card-renders.test.ts). */
const catalogCards = scenarios.flatMap((scenario) => {
  const events: StoredEvent[] = scenario.build(START).map(({ event }) => {
    const checked = checkEvent(event, 0);
    if (!checked.ok) throw new Error(`${scenario.name}: ${JSON.stringify(checked.problems)}`);
    return { ...checked.event, eventKey: event.id! };
  });
  const window = new SignalWindow();
  window.add(events);
  return evaluate(catalog, { window, platform: emptySnapshot(), now: START.getTime() }).detections.map(({ entry, detection }, n) => {
    const insight = {
      id: 1000 + n,
      fingerprint: `${entry.kind}:${detection.scope}`,
      kind: entry.kind,
      scope: detection.scope,
      severity: detection.severity ?? entry.severity,
      category: entry.category,
      status: 'open',
      episode: 1,
      title: entry.title(detection),
      detection: detection as Insight['detection'],
      detectionHash: hashDetection(detection),
      count: 1,
      version: 1,
      publishedVersion: 0,
      firstSeenAt: START,
      lastSeenAt: START,
      resolvedAt: null,
      acknowledgedBy: null,
      dismissedBy: null,
      dismissedAt: null,
      suppressedUntil: null,
    } satisfies Insight;
    return [`${scenario.name}: ${insight.title}`, insightCard(entry, insight, insightActionId)] as const;
  });
});

const doctorReport = (overall: DoctorReport['overall'], details: string[]) =>
  DoctorReport.parse({
    runId: 3,
    overall,
    counts: '1 fail, 1 passed',
    results: [
      { section: 'db', name: 'Database', status: 'pass', summary: 'reachable', details: [], actions: [], durationMs: 12 },
      { section: 'runtimes', name: 'Runtimes', status: overall === 'HEALTHY' ? 'pass' : 'fail', summary: '2 unreachable:', details, actions: [], durationMs: 900 },
    ],
    plan:
      overall === 'HEALTHY'
        ? []
        : [
            {
              kind: 'runtime_unreachable',
              text: 'Restart bash-runtime-mike',
              buttons: [{ action: 'restart_runtime', label: 'Restart bash-runtime-mike', target: { kind: 'runtime', id: 'bash-runtime-mike' }, style: 'danger', confirm: 'Restart it now?' }],
            },
          ],
    sections: [],
    requestedBy: 'Sofia',
    startedAt: '2026-05-03T14:30:00.000Z',
    durationMs: 1200,
  });

const approval = (status: 'pending' | 'approved' | 'denied') =>
  Approval.parse({
    id: 7,
    kind: 'budget_override',
    targetKind: 'routine',
    targetId: 'daily-code-review',
    params: { routineId: 'daily-code-review', amountUsd: 5, limitUsd: 10, spentUsd: 12.47, period: 'month' },
    rationale: '5 routine runs in the last hour (retry storm during the incident): 3 retries, 4 failed; budget exhausted at 14:49 UTC',
    requestedBy: systemActor,
    requestedByKey: 'system:triage',
    status,
    ...(status === 'pending'
      ? { decidedBy: null, decidedByKey: null, decidedAt: null, outcome: null }
      : { decidedBy: { platform: 'discord', userId: '1500000000000000001', name: 'Elena' }, decidedByKey: 'discord:1500000000000000001', decidedAt: new Date('2026-05-03T14:52:00Z'), outcome: null }),
    insightId: 42,
    createdAt: new Date('2026-05-03T14:50:00Z'),
  });

const incident = (status: Incident['status']): Incident => ({
  id: 12,
  title: 'Cascading failure: runtime execution failures, MCP connection pool exhausted',
  status,
  origin: 'correlated',
  openedBy: { platform: 'system', userId: 'triage', name: 'Triage' },
  resolvedBy: status === 'resolved' ? { platform: 'discord', userId: '1500000000000000001', name: 'Elena' } : null,
  channel: 'ops',
  openedAt: START,
  mitigatedAt: status === 'open' ? null : START,
  resolvedAt: status === 'resolved' ? START : null,
  updatedAt: START,
});
const incidentSummary = {
  insights: [
    { id: 41, title: 'Runtime bash-runtime-mike: 3 execution failures', severity: 'critical' as const, status: 'resolved' as const },
    { id: 42, title: 'MCP pool exhausted on database-query', severity: 'critical' as const, status: 'open' as const },
  ],
};

const minutes: Minutes = {
  incidentId: 7,
  title: 'Cascading failure',
  startedAt: '2026-05-03T14:02:00.000Z',
  endedAt: '2026-05-03T15:10:00.000Z',
  ongoing: false,
  duration: '1h 8m',
  summary: 'The database-query MCP pool ran dry; runtimes failed behind it.',
  impact: [{ label: 'runtimes unreachable', count: 2 }],
  rootCauses: Array.from({ length: 30 }, (_, i) => ({
    rank: i === 0 ? ('primary' as const) : ('contributing' as const),
    title: `Cause ${i}: MCP connection pool exhausted`,
    kinds: ['mcp_pool_exhausted'],
    cause: 'Pool of 10 for 40 routines '.repeat(8),
    contributingFactor: 'No backoff',
    impact: ['7 loops stuck'],
    prevention: 'Add backoff',
    owner: 'Mike',
    runbook: [],
  })),
  actionItems: [
    { status: 'done', text: 'restart runtime bash-runtime-mike', owner: 'James', at: '2026-05-03T14:40:00.000Z' },
    { status: 'open', text: 'Add connection backoff logic to routines', owner: 'Mike', url: 'https://tickets.example/61' },
  ],
  lessons: ['Recovery order matters: fix dependencies first.'],
  followUp: ['Daily check-ins for 1 week (monitor for recurrence).'],
  note: 'deterministic minutes',
};

const escalation = escalationCard({
  action: 'restart_runtime',
  target: { kind: 'runtime', id: 'bash-runtime-mike' },
  why: 'Triage restarted it 3 times in 30 minutes (policy restart-oom-runtimes) and stopped.',
  runs: [],
  bound: { maxRuns: 3, windowMinutes: 30, by: 'policy restart-oom-runtimes' },
  severity: 'critical',
  runbook: ['Check the runtime memory limit', 'Look for a leaking routine'],
  buttons: [{ id: 'restart_runtime:runtime:bash-runtime-mike', label: 'Restart anyway', style: 'danger' }],
  context: 'Asks #ops to take over',
});

const otherCards = ([
  ['Doctor report, critical with a fix', doctorCard(doctorReport('CRITICAL', ['• bash-runtime-mike (connection refused)', '• bash-runtime-priya (timeout)']))],
  ['Doctor report, long', doctorCard(doctorReport('WARNING', Array.from({ length: 400 }, (_, i) => `• bash-runtime-${i} (connection refused after 5 s)`)))],
  ['Doctor report, healthy', doctorCard(doctorReport('HEALTHY', []))],
  ...(['pending', 'approved', 'denied'] as const).map((s) => [`approval card, ${s}`, approvalCard(approval(s))] as const),
  ...(['open', 'mitigated', 'resolved'] as const).map((s) => [`incident card, ${s}`, incidentCard(incident(s), incidentSummary)] as const),
  ['post-mortem minutes (30 causes)', minutesCard(minutes, 7)],
  ['escalation card', escalation],
] as Array<readonly [string, Card]>).map(([name, card]) => [name, Card.parse(card)] as const);

describe('every card Triage renders for Discord passes discord.js\'s builders', () => {
  it('has cards from every scenario', () => {
    expect(new Set(catalogCards.map(([name]) => name.split(':')[0])).size).toBe(scenarios.length);
  });

  it.each(catalogCards)('%s, in every state', (_name, card) => {
    for (const state of CardState.options) expectDiscordAccepts(renderCard(Card.parse({ ...card, state })));
  });

  it.each(otherCards)('%s', (_name, card) => {
    expectDiscordAccepts(renderCard(card));
  });

  it('any card at all (property)', () => {
    const text = fc.string({ unit: 'grapheme', maxLength: 2000 });
    const arbitraryCard = fc.record({
      title: fc.string({ minLength: 1, maxLength: 600 }),
      severity: fc.constantFrom('critical', 'warning', 'info'),
      state: fc.constantFrom(...CardState.options),
      text: fc.string({ maxLength: 8_000 }),
      markdown: fc.option(fc.string({ maxLength: 8_000 }), { nil: undefined }),
      fields: fc.array(fc.record({ label: text, value: text }), { maxLength: 40 }),
      entities: fc.array(fc.record({ kind: fc.constant('runtime'), id: fc.string({ minLength: 1, maxLength: 300 }), detail: text }), { maxLength: 60 }),
      actions: fc.array(fc.record({ id: fc.string({ minLength: 1, maxLength: 140 }), label: fc.string({ minLength: 1, maxLength: 90 }), style: fc.constantFrom('primary', 'danger', 'default') }), { maxLength: 30 }),
      context: fc.string({ maxLength: 3000 }),
    });
    fc.assert(fc.property(arbitraryCard, (input) => expectDiscordAccepts(renderCard(Card.parse(input)))), { numRuns: 100 });
  });
});

describe('the check itself', () => {
  const good = renderCard(Card.parse({ title: 'Runtime down', severity: 'critical', actions: [{ id: 'a:1', label: 'Restart' }] }));
  const embed = good.embeds[0]!;
  const button = good.components[0]!.components[0]!;
  it.each([
    ['a title over 256', { ...good, embeds: [{ ...embed, title: 'x'.repeat(257) }] }],
    ['a field value over 1024', { ...good, embeds: [{ ...embed, fields: [{ name: 'n', value: 'v'.repeat(1025), inline: false }] }] }],
    ['a custom_id over 100', { ...good, components: [{ type: 1, components: [{ ...button, custom_id: 'x'.repeat(101) }] }] }],
    ['an empty button label', { ...good, components: [{ type: 1, components: [{ ...button, label: '' }] }] }],
    ['a button label over 80', { ...good, components: [{ type: 1, components: [{ ...button, label: 'x'.repeat(81) }] }] }],
    ['six buttons in a row', { ...good, components: [{ type: 1, components: Array.from({ length: 6 }, (_, i) => ({ ...button, custom_id: `a:${i}` })) }] }],
    ['embeds over 6000 characters', { ...good, embeds: [{ ...embed, description: 'd'.repeat(4096), fields: [{ name: 'n', value: 'v'.repeat(1024), inline: false }, { name: 'm', value: 'v'.repeat(1000), inline: false }] }] }],
    ['content over 2000', { ...good, content: 'c'.repeat(2001) }],
  ])('refuses %s, as Discord would', (_name, message) => {
    expect(() => expectDiscordAccepts(message as DiscordMessage)).toThrow();
  });
});

describe('every slash command Triage registers passes SlashCommandBuilder', () => {
  it.each(commandDefinitions().map((d) => [d.name, d] as const))('/%s', (_name, definition) => {
    const [option] = definition.options;
    const built = new SlashCommandBuilder()
      .setName(definition.name)
      .setDescription(definition.description)
      .addStringOption((o) => o.setName(option!.name).setDescription(option!.description).setRequired(option!.required).setMaxLength(option!.max_length))
      .toJSON();
    expect(built).toMatchObject(plain(definition) as object);
    expect(definition.options).toHaveLength(1);
  });

  it('registers them all, with names Discord takes', () => {
    expect(commandDefinitions().map((d) => d.name)).toEqual(DISCORD_COMMANDS.map((c) => c.name));
  });
});
