import type { types, webApi } from '@slack/bolt';
import type { Actor } from '../../src/actor.js';
import type { HomeSurface } from '../../src/home/surface.js';
import type { HomeItem, HomeSection, HomeView } from '../../src/home/view.js';
import { duration } from '../../src/incidents/model.js';
import { utcClock } from '../../src/clock.js';
import { err, ok } from '../../src/result.js';
import { button } from './render/actions.js';
import { safeMrkdwn, truncate } from './render/text.js';

type Block = types.KnownBlock;

/** A Home tab view holds at most 100 blocks (Slack's views reference: "blocks: up to 100"). */
export const MAX_HOME_BLOCKS = 100;
const SECTION_TEXT = 3000;
const HEADER_TEXT = 150;
const ICON = { critical: '🔴', warning: '🟠', info: '🟢' } as const;

const mrkdwn = (text: string) => ({ type: 'mrkdwn' as const, text, verbatim: true });

function itemBlocks(item: HomeItem, now: Date): Block[] {
  const body = `${ICON[item.severity]} *${safeMrkdwn(item.title)}*\n${safeMrkdwn(item.text)}`;
  const context = [item.since ? `since ${utcClock(item.since)} (${duration(item.since, now)})` : '', item.context ?? ''].filter(Boolean).join(' · ');
  return [
    { type: 'section', text: mrkdwn(truncate(body, SECTION_TEXT, { escaped: true })) },
    ...(context ? [{ type: 'context' as const, elements: [mrkdwn(truncate(safeMrkdwn(context), SECTION_TEXT, { escaped: true }))] }] : []),
    // Home's buttons are the cards' own (same action ids), at most a handful: one row.
    ...(item.actions.length ? [{ type: 'actions' as const, elements: item.actions.slice(0, 5).map(button) }] : []),
  ];
}

const sectionHead = (section: HomeSection): Block[] => [
  { type: 'divider' },
  { type: 'section', text: mrkdwn(`*${safeMrkdwn(section.title)}* (${section.items.length})${section.items.length ? '' : `\n${safeMrkdwn(section.empty)}`}`) },
  ...(section.note ? [{ type: 'context' as const, elements: [mrkdwn(safeMrkdwn(section.note))] }] : []),
];

/**
 * How many items of each section fit in the view: one item per section per round, so a storm of
 * insights cannot push the pending approvals or the Doctor run off the tab, with one block kept
 * per section for its "and N more".
 */
function fit(sections: HomeSection[], room: number, sizeOf: (item: HomeItem) => number): number[] {
  const shown = sections.map(() => 0);
  let budget = room - sections.filter((s) => s.items.length > 0).length;
  for (let progressed = true; progressed; ) {
    progressed = false;
    sections.forEach((section, i) => {
      const next = section.items[shown[i]!];
      if (next && sizeOf(next) <= budget) {
        budget -= sizeOf(next);
        shown[i]! += 1;
        progressed = true;
      }
    });
  }
  return shown;
}

/** The neutral Home view as a Block Kit `home` view, within Slack's 100 blocks. */
export function renderHome(view: HomeView, now = new Date()): types.HomeView {
  const top: Block[] = [
    { type: 'header', text: { type: 'plain_text', text: truncate(view.title, HEADER_TEXT), emoji: true } },
    { type: 'context', elements: [mrkdwn(`Updated ${utcClock(now)} · refreshed when something changes`)] },
  ];
  const heads = view.sections.map(sectionHead);
  const fixed = top.length + heads.reduce((n, h) => n + h.length, 0);
  const counts = fit(view.sections, MAX_HOME_BLOCKS - fixed, (item) => itemBlocks(item, now).length);
  const blocks = [...top];
  view.sections.forEach((section, i) => {
    blocks.push(...heads[i]!);
    for (const item of section.items.slice(0, counts[i])) blocks.push(...itemBlocks(item, now));
    const hidden = section.items.length - counts[i]!;
    if (hidden > 0) blocks.push({ type: 'context', elements: [mrkdwn(`…and ${hidden} more`)] });
  });
  return { type: 'home', blocks };
}

/** Slack's Home tab for the core: views.publish of the rendered view for one member. */
export function slackHomeSurface(client: webApi.WebClient): HomeSurface {
  return {
    platform: 'slack',
    async publish(viewer: Actor, view: HomeView) {
      try {
        const answer = await client.views.publish({ user_id: viewer.userId, view: renderHome(view) });
        return answer.ok ? ok(undefined) : err(`Slack refused views.publish: ${answer.error ?? 'no reason given'}`);
      } catch (error) {
        const code = (error as { data?: { error?: string } }).data?.error;
        return err(`Slack refused views.publish: ${code ?? (error instanceof Error ? error.message : 'unknown error')}`);
      }
    },
  };
}
