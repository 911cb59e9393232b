import type { types } from '@slack/bolt';
import type { CardAction } from '../../../src/chat/card.js';
import {
  BUTTONS_PER_ROW,
  MAX_ACTIONS_ELEMENTS,
  MAX_BUTTON_TEXT,
  MAX_CONFIRM_BUTTON,
  MAX_CONFIRM_TEXT,
  MAX_CONFIRM_TITLE,
} from './limits.js';
import { truncate } from './text.js';

type ActionsBlock = types.ActionsBlock;
type Button = types.Button;

const plain = (text: string, max: number) => ({ type: 'plain_text' as const, text: truncate(text, max), emoji: true });
/** Slack refuses an empty text object (invalid_blocks), and the Card schema allows empty confirm texts. */
const either = (text: string, otherwise: string): string => text.trim() || otherwise;

/**
 * A card action as a button. `id` and `value` go through untouched: they are machine data parsed
 * back by src/chat/action-id.ts, a cut one would be a wrong click, and the Card schema already
 * holds them to Slack's 255/2000. Labels are plain_text (never parsed for links or mentions), so
 * they need no escaping, only length.
 */
export function button(action: CardAction): Button {
  return {
    type: 'button',
    action_id: action.id,
    text: plain(action.label, MAX_BUTTON_TEXT),
    // Slack accepts only primary/danger; "default" is expressed by leaving style out.
    ...(action.style === 'primary' || action.style === 'danger' ? { style: action.style } : {}),
    ...(action.value !== undefined ? { value: action.value } : {}),
    ...(action.confirm
      ? {
          confirm: {
            title: plain(either(action.confirm.title, `${action.label}?`), MAX_CONFIRM_TITLE),
            text: plain(either(action.confirm.text, `${action.label}?`), MAX_CONFIRM_TEXT),
            confirm: plain(either(action.confirm.confirmLabel, action.label), MAX_CONFIRM_BUTTON),
            deny: plain(either(action.confirm.denyLabel, 'Cancel'), MAX_CONFIRM_BUTTON),
            // A destructive action keeps its red on the button that finally does it.
            ...(action.style === 'danger' ? { style: 'danger' as const } : {}),
          },
        }
      : {}),
  };
}

/**
 * Buttons in rows of BUTTONS_PER_ROW, widened (up to Slack's 25) only when `maxRows` cannot hold
 * them that way: the buttons are what the card is for, so they are the last thing to give up.
 * An id offered twice is one button: it is one click, and Slack refuses a block holding two
 * equal action_ids (Doctor merges plan steps with the same text, buttons and all).
 */
export function actionRows(offered: readonly CardAction[], maxRows: number): ActionsBlock[] {
  const actions = offered.filter((a, i) => offered.findIndex((b) => b.id === a.id) === i);
  if (actions.length === 0 || maxRows < 1) return [];
  const perRow = Math.min(MAX_ACTIONS_ELEMENTS, Math.max(BUTTONS_PER_ROW, Math.ceil(actions.length / maxRows)));
  const kept = actions.slice(0, perRow * maxRows);
  const rows: ActionsBlock[] = [];
  for (let i = 0; i < kept.length; i += perRow) {
    rows.push({ type: 'actions', elements: kept.slice(i, i + perRow).map(button) });
  }
  return rows;
}
