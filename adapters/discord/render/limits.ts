/*
 * Discord's documented limits for a message body (API v10, checked against the Message resource
 * "Embed Limits" table and the Components reference; the same numbers are mirrored by
 * @sapphire/discord-utilities' EmbedLimits/ButtonLimits and twilight-validate):
 * - content: 2000 characters.
 * - embed: title 256, description 4096, up to 25 fields, field name 256, field value 1024,
 *   footer text 2048, author name 256; "the combined sum of characters in all title,
 *   description, field.name, field.value, footer.text, and author.name fields across all embeds
 *   attached to a message must not exceed 6000 characters".
 *   https://discord.com/developers/docs/resources/message#embed-object-embed-limits
 * - components: up to 5 action rows, up to 5 buttons in a row; button label 80, custom_id 1-100
 *   and unique within the message.
 *   https://discord.com/developers/docs/components/reference#button
 * Discord counts characters; we count UTF-16 units (String#length), never fewer, so staying under
 * them here stays under them there.
 */
export const MAX_CONTENT = 2000;
export const MAX_EMBED_TITLE = 256;
export const MAX_EMBED_DESCRIPTION = 4096;
export const MAX_EMBED_FIELDS = 25;
export const MAX_FIELD_NAME = 256;
export const MAX_FIELD_VALUE = 1024;
export const MAX_FOOTER_TEXT = 2048;
export const MAX_AUTHOR_NAME = 256;
export const MAX_EMBED_TOTAL = 6000;
export const MAX_ACTION_ROWS = 5;
export const MAX_BUTTONS_PER_ROW = 5;
export const MAX_BUTTON_LABEL = 80;
export const MAX_CUSTOM_ID = 100;

/*
 * Our own caps, below Discord's: a card is a notification, not a report, and every character
 * spent in one part of the embed is taken from the shared 6000.
 */
/** Same as Slack's renderer, so both platforms show the same facts. */
export const MAX_FIELDS = 20;
export const MAX_ENTITY_LINES = 20;
/** One runaway entity (a stack trace as `detail`) must not crowd out the others. */
export const MAX_ENTITY_LINE = 200;
/** `content` is shown above the embed and in notifications: one line, the embed has the rest. */
export const MAX_FALLBACK_TEXT = 200;
/** The card's context is "one line"; the note about missing buttons gets its own room. */
export const MAX_FOOTER_CONTEXT = 300;
export const MAX_FOOTER_NOTE = 500;
/** Short enough to sit three to a row ("inline") without wrapping into a column of fragments. */
export const MAX_INLINE_FIELD = 40;
