/*
 * Slack's published Block Kit limits the renderer stays within. Each figure, with the Slack
 * reference page and field it comes from, is listed in test/support/block-kit-limits.ts, whose
 * validator checks every payload the Slack tests send, so a figure changed here and not there
 * (or a renderer that forgets one) fails a test. Lengths are counted in UTF-16 code units
 * (String#length), never fewer than the characters Slack counts.
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
/** A markdown block's text; also the cumulative limit for all markdown blocks in one payload. */
export const MAX_MARKDOWN_TEXT = 12_000;
/**
 * All the text of a message that holds a markdown block. Not a published figure: Slack answers
 * msg_blocks_too_long from about 13,200 characters across all blocks (bolt-js issue 2509, where
 * Slack's maintainers give "12,000 text characters with a buffer"), so the card falls back to
 * sections rather than come near it.
 */
export const MAX_MESSAGE_TEXT_WITH_MARKDOWN = 12_000;
/** Our own cap for the notification fallback (`text`): short enough for any preview. */
export const MAX_FALLBACK_TEXT = 3000;
/** Our own row width: Slack allows 25 per actions block, but more than 5 wrap badly on phones. */
export const BUTTONS_PER_ROW = 5;
