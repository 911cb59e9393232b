import type { CardAction } from '../../../src/chat/card.js';
import { ButtonStyle, ComponentType, type ActionRow, type Button } from '../message.js';
import { MAX_ACTION_ROWS, MAX_BUTTON_LABEL, MAX_BUTTONS_PER_ROW, MAX_CUSTOM_ID } from './limits.js';
import { truncate } from './text.js';

/** Discord has no "default" style; Secondary (grey) is its neutral button. */
const STYLE: Record<CardAction['style'], ButtonStyle> = {
  primary: ButtonStyle.Primary,
  danger: ButtonStyle.Danger,
  default: ButtonStyle.Secondary,
};

/**
 * A card action as a button. `id` goes through untouched as custom_id: it is machine data parsed
 * back by src/chat/action-id.ts, and a cut one would be a wrong click. Labels are never parsed
 * for mentions or markdown, so they need no escaping, only length (and never empty: Discord
 * rejects a button with neither label nor emoji).
 *
 * Discord buttons carry no confirmation dialog: an action with `confirm` gets the `?` prefix, and
 * the interactions handler asks (privately, with the card's own words) before it acts.
 */
export const ASK_FIRST = '?';

const customIdOf = (action: CardAction): string => (action.confirm ? `${ASK_FIRST}${action.id}` : action.id);

export function button(action: CardAction): Button {
  return {
    type: ComponentType.Button,
    // `?? default`: a card that skipped Card.parse has no default style filled in.
    style: STYLE[action.style ?? 'default'] ?? ButtonStyle.Secondary,
    label: truncate(action.label.trim() || 'Action', MAX_BUTTON_LABEL),
    custom_id: customIdOf(action),
  };
}

export type Buttons = {
  rows: ActionRow[];
  /** Actions that cannot be buttons here: the reader must be told they exist elsewhere. */
  leftOut: CardAction[];
};

/**
 * Buttons five to a row, at most five rows. An action whose id is not a valid custom_id (over 100
 * characters) or that comes after the 25th button is left out, never sent invalid: Discord would
 * refuse the whole message, card and all. A repeated id is skipped silently: the first button
 * already sends that exact click, and Discord refuses duplicate custom_ids too.
 */
export function actionRows(actions: readonly CardAction[]): Buttons {
  const buttons: Button[] = [];
  const leftOut: CardAction[] = [];
  const seen = new Set<string>();
  for (const action of actions) {
    if (seen.has(action.id)) continue;
    seen.add(action.id);
    const fits = action.id.length >= 1 && customIdOf(action).length <= MAX_CUSTOM_ID;
    if (fits && buttons.length < MAX_ACTION_ROWS * MAX_BUTTONS_PER_ROW) buttons.push(button(action));
    else leftOut.push(action);
  }
  const rows: ActionRow[] = [];
  for (let i = 0; i < buttons.length; i += MAX_BUTTONS_PER_ROW) {
    rows.push({ type: ComponentType.ActionRow, components: buttons.slice(i, i + MAX_BUTTONS_PER_ROW) });
  }
  return { rows, leftOut };
}
