import type { types } from '@slack/bolt';

type KnownBlock = types.KnownBlock;

/*
 * Block Kit's documented limits (checked November 2026 against docs.slack.dev and the
 * @slack/types 3.2 doc comments that mirror them):
 * - Blocks reference: "You can include up to 50 blocks in each message."
 *   https://docs.slack.dev/reference/block-kit/blocks
 * - Header block: plain_text "Maximum length for the text in this field is 150 characters."
 *   https://docs.slack.dev/reference/block-kit/blocks/header-block
 * - Section block: text max 3000 characters; fields "Maximum number of items is 10. Maximum
 *   length for the text in each item is 2000 characters."
 * - Text object: "The minimum length is 1 and maximum length is 3000 characters."
 *   https://docs.slack.dev/reference/block-kit/composition-objects/text-object
 * - Context block: elements "Maximum number of items is 10."
 *   https://docs.slack.dev/reference/block-kit/blocks/context-block
 * - Actions block: "There is a maximum of 25 elements in each action block."
 * - Button element: text 75, action_id 255, value 2000, style only "primary" or "danger".
 *   https://docs.slack.dev/reference/block-kit/block-elements/button-element
 * - Confirmation dialog: title 100, text 300, confirm 30, deny 30.
 *   https://docs.slack.dev/reference/block-kit/composition-objects/confirmation-dialog-object
 * - block_id: 255.
 * Lengths are counted in UTF-16 code units (String#length), which is never fewer than the
 * characters Slack counts, so staying under them here stays under them there.
 */
export const MAX_BLOCKS_PER_MESSAGE = 50;
export const MAX_HEADER_TEXT = 150;
export const MAX_SECTION_TEXT = 3000;
export const MAX_SECTION_FIELDS = 10;
export const MAX_SECTION_FIELD_TEXT = 2000;
export const MAX_TEXT_OBJECT = 3000;
export const MAX_CONTEXT_ELEMENTS = 10;
export const MAX_ACTIONS_ELEMENTS = 25;
export const MAX_BUTTON_TEXT = 75;
export const MAX_ACTION_ID = 255;
export const MAX_BUTTON_VALUE = 2000;
export const MAX_BLOCK_ID = 255;
export const MAX_CONFIRM_TITLE = 100;
export const MAX_CONFIRM_TEXT = 300;
export const MAX_CONFIRM_BUTTON = 30;
/** Our own cap for the notification fallback (`text`): short enough for any preview. */
export const MAX_FALLBACK_TEXT = 3000;
/** Our own row width: Slack allows 25 per actions block, but more than 5 wrap badly on phones. */
export const BUTTONS_PER_ROW = 5;

type TextLike = { type?: string; text?: string } | undefined;

/**
 * Every way `blocks` break Slack's limits, as readable paths (`blocks[3].text.text: 3012 chars >
 * 3000`); empty when Slack would accept them. Only Slack's limits count: our 5-button row width is
 * a layout choice, not a violation. Shared with other tests that build blocks.
 */
export function checkBlockKitLimits(blocks: readonly KnownBlock[]): string[] {
  const problems: string[] = [];
  const len = (path: string, value: string | undefined, max: number, min = 0) => {
    if (value === undefined) return;
    if (value.length > max) problems.push(`${path}: ${value.length} chars > ${max}`);
    if (value.length < min) problems.push(`${path}: empty (min ${min})`);
  };
  const text = (path: string, t: TextLike, max: number) => len(`${path}.text`, t?.text, max, 1);

  if (blocks.length > MAX_BLOCKS_PER_MESSAGE) problems.push(`blocks: ${blocks.length} > ${MAX_BLOCKS_PER_MESSAGE}`);
  blocks.forEach((block, i) => {
    const at = `blocks[${i}]`;
    len(`${at}.block_id`, block.block_id, MAX_BLOCK_ID);
    switch (block.type) {
      case 'header':
        if (block.text.type !== 'plain_text') problems.push(`${at}.text: header must be plain_text`);
        text(`${at}.text`, block.text, MAX_HEADER_TEXT);
        break;
      case 'section':
        if (!block.text && !block.fields?.length) problems.push(`${at}: section needs text or fields`);
        if (block.text) text(`${at}.text`, block.text, MAX_SECTION_TEXT);
        if ((block.fields?.length ?? 0) > MAX_SECTION_FIELDS) problems.push(`${at}.fields: ${block.fields?.length} > ${MAX_SECTION_FIELDS}`);
        block.fields?.forEach((f, j) => text(`${at}.fields[${j}]`, f, MAX_SECTION_FIELD_TEXT));
        break;
      case 'context':
        if (block.elements.length > MAX_CONTEXT_ELEMENTS) problems.push(`${at}.elements: ${block.elements.length} > ${MAX_CONTEXT_ELEMENTS}`);
        block.elements.forEach((e, j) => {
          if (e.type === 'plain_text' || e.type === 'mrkdwn') text(`${at}.elements[${j}]`, e, MAX_TEXT_OBJECT);
        });
        break;
      case 'actions': {
        if (block.elements.length > MAX_ACTIONS_ELEMENTS) problems.push(`${at}.elements: ${block.elements.length} > ${MAX_ACTIONS_ELEMENTS}`);
        const seen = new Set<string>();
        block.elements.forEach((e, j) => {
          const el = `${at}.elements[${j}]`;
          if (e.action_id !== undefined) {
            if (seen.has(e.action_id)) problems.push(`${el}.action_id: duplicate "${e.action_id}" in block`);
            seen.add(e.action_id);
          }
          len(`${el}.action_id`, e.action_id, MAX_ACTION_ID, 1);
          if (e.type !== 'button') return;
          text(`${el}.text`, e.text, MAX_BUTTON_TEXT);
          len(`${el}.value`, e.value, MAX_BUTTON_VALUE);
          if (e.style !== undefined && e.style !== 'primary' && e.style !== 'danger') problems.push(`${el}.style: "${String(e.style)}"`);
          if (e.confirm) {
            text(`${el}.confirm.title`, e.confirm.title, MAX_CONFIRM_TITLE);
            text(`${el}.confirm.text`, e.confirm.text, MAX_CONFIRM_TEXT);
            text(`${el}.confirm.confirm`, e.confirm.confirm, MAX_CONFIRM_BUTTON);
            text(`${el}.confirm.deny`, e.confirm.deny, MAX_CONFIRM_BUTTON);
          }
        });
        break;
      }
      default:
        break;
    }
  });
  return problems;
}
