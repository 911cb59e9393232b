/**
 * Slack's published Block Kit limits, as data: each with the page and section it comes from, so a
 * failing check says which rule of Slack's it broke and a reader can re-check the figure. Checked
 * in December 2026 against docs.slack.dev and the doc comments of @slack/types 3.2 (which mirror
 * the reference pages); lengths are counted in UTF-16 code units (String#length), never fewer
 * than the characters Slack counts, so a payload that passes here passes there.
 *
 * What Slack does not publish is not here: bolt-js issue #2509 reports `msg_blocks_too_long` for
 * about 13,200 characters of text across all blocks, a server-side limit without a page.
 */
export type Limit = { readonly max: number; readonly what: string; readonly source: string };

const BLOCKS = 'https://docs.slack.dev/reference/block-kit/blocks';
const SECTION = 'https://docs.slack.dev/reference/block-kit/blocks/section-block';
const TEXT = 'https://docs.slack.dev/reference/block-kit/composition-objects/text-object';
const BUTTON = 'https://docs.slack.dev/reference/block-kit/block-elements/button-element';
const CONFIRM = 'https://docs.slack.dev/reference/block-kit/composition-objects/confirmation-dialog-object';
const IMAGE = 'https://docs.slack.dev/reference/block-kit/blocks/image-block';
const MARKDOWN = 'https://docs.slack.dev/reference/block-kit/blocks/markdown-block';

const limit = (max: number, what: string, source: string): Limit => ({ max, what, source });

export const LIMITS = {
  messageBlocks: limit(50, 'blocks in a message', `${BLOCKS} (intro: "up to 50 blocks in each message")`),
  viewBlocks: limit(100, 'blocks in a Home tab or modal', `${BLOCKS} (intro: "100 blocks in modals or Home tabs")`),
  messageText: limit(40_000, 'top-level text of a message', 'https://docs.slack.dev/reference/methods/chat.postMessage (Truncating content: "truncate messages containing more than 40,000 characters")'),
  blockId: limit(255, 'block_id', `${SECTION} (Fields: block_id "Maximum length for this field is 255 characters")`),
  textObject: limit(3000, 'text object text', `${TEXT} (Fields: text "maximum length is 3000 characters")`),
  headerText: limit(150, 'header text', 'https://docs.slack.dev/reference/block-kit/blocks/header-block (Fields: text, plain_text, "Maximum length ... is 150 characters")'),
  sectionText: limit(3000, 'section text', `${SECTION} (Fields: text "maximum length is 3000 characters")`),
  sectionFields: limit(10, 'fields in a section', `${SECTION} (Fields: fields "Maximum number of items is 10")`),
  sectionFieldText: limit(2000, 'section field text', `${SECTION} (Fields: fields "Maximum length for the text in each item is 2000 characters")`),
  contextElements: limit(10, 'elements in a context block', 'https://docs.slack.dev/reference/block-kit/blocks/context-block (Fields: elements "Maximum number of items is 10")'),
  actionsElements: limit(25, 'elements in an actions block', 'https://docs.slack.dev/reference/block-kit/blocks/actions-block (Fields: elements "There is a maximum of 25 elements in each action block")'),
  buttonText: limit(75, 'button text', `${BUTTON} (Fields: text "Maximum length ... is 75 characters")`),
  actionId: limit(255, 'action_id', `${BUTTON} (Fields: action_id "Maximum length is 255 characters")`),
  buttonValue: limit(2000, 'button value', `${BUTTON} (Fields: value "Maximum length is 2000 characters")`),
  buttonUrl: limit(3000, 'button url', `${BUTTON} (Fields: url "Maximum length is 3000 characters")`),
  accessibilityLabel: limit(75, 'button accessibility_label', `${BUTTON} (Fields: accessibility_label "Maximum length is 75 characters")`),
  confirmTitle: limit(100, 'confirm dialog title', `${CONFIRM} (Fields: title "Maximum length ... is 100 characters")`),
  confirmText: limit(300, 'confirm dialog text', `${CONFIRM} (Fields: text "Maximum length ... is 300 characters")`),
  confirmButton: limit(30, 'confirm dialog button text', `${CONFIRM} (Fields: confirm, deny "Maximum length ... is 30 characters")`),
  imageAltText: limit(2000, 'image alt_text', `${IMAGE} (Fields: alt_text "Maximum length for this field is 2000 characters")`),
  imageUrl: limit(3000, 'image_url', `${IMAGE} (Fields: image_url "Maximum length for this field is 3000 characters")`),
  imageTitle: limit(2000, 'image title', `${IMAGE} (Fields: title "Maximum length for the text in this field is 2000 characters")`),
  markdownText: limit(12_000, 'markdown block text', `${MARKDOWN} (Fields: text "The cumulative limit for all markdown blocks in a single payload is 12,000 characters")`),
  markdownTotal: limit(12_000, 'text of all markdown blocks in one payload', `${MARKDOWN} (Fields: text "The cumulative limit for all markdown blocks in a single payload is 12,000 characters")`),
} as const satisfies Record<string, Limit>;

export type LimitName = keyof typeof LIMITS;

/** Block types Slack documents (the Blocks reference's table); anything else is `invalid_blocks`. */
export const KNOWN_BLOCK_TYPES: ReadonlySet<string> = new Set([
  'actions', 'context', 'divider', 'file', 'header', 'image', 'input', 'markdown', 'rich_text', 'section', 'table', 'video',
]);

/** Interactive elements an actions block may hold (actions-block reference, Fields: elements). */
export const ACTIONS_ELEMENT_TYPES: ReadonlySet<string> = new Set([
  'button', 'checkboxes', 'datepicker', 'datetimepicker', 'multi_static_select', 'multi_external_select', 'multi_users_select',
  'multi_conversations_select', 'multi_channels_select', 'overflow', 'radio_buttons', 'static_select', 'external_select',
  'users_select', 'conversations_select', 'channels_select', 'timepicker', 'workflow_button', 'rich_text_input',
]);

/** Button styles (button reference, Fields: style): "default" is expressed by leaving it out. */
export const BUTTON_STYLES: ReadonlySet<string> = new Set(['primary', 'danger']);
