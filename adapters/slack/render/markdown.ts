import type { types } from '@slack/bolt';
import { MAX_MARKDOWN_TEXT, MAX_MESSAGE_TEXT_WITH_MARKDOWN } from './limits.js';
import { neutralizeBroadcasts } from './text.js';

type KnownBlock = types.KnownBlock;

/**
 * Untrusted standard Markdown → text for Slack's markdown block that can format but never ping,
 * mention or hide a link. Slack still parses its own `<…>` tokens inside a markdown block
 * (`<!here>`, `<@U…>`, `<https://…|label>`), and renders `&lt;`/`&gt;` back as the characters, so
 * escaping the angle brackets stops all three; `&` is left alone, since escaping it would show
 * `&amp;` literally and would break query strings in link targets. A Markdown link's label could
 * hide where it points (`[Reset password](https://evil)`), so every link shows its target:
 * `label (url)`. Bare `@here` is broken as in mrkdwn (text.ts).
 */
export function safeMarkdown(raw: string): string {
  return neutralizeBroadcasts(raw)
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\[([^\]\n]*)\]\(([^)\s]+)\)/g, (_, label: string, url: string) => (label.trim() && label.trim() !== url ? `${label} (${url})` : url));
}

/** The markdown block for a card's long-form text, or undefined when it would not fit one. */
export function markdownBlock(markdown: string | undefined): KnownBlock | undefined {
  const text = safeMarkdown(markdown?.trim() ?? '');
  if (!text || text.length > MAX_MARKDOWN_TEXT) return undefined;
  return { type: 'markdown', text };
}

/** Every string Slack counts as a message's text: what msg_blocks_too_long is measured on. */
export function textLength(value: unknown): number {
  if (Array.isArray(value)) return value.reduce((n: number, v) => n + textLength(v), 0);
  if (value === null || typeof value !== 'object') return 0;
  return Object.entries(value).reduce((n, [key, v]) => n + (key === 'text' && typeof v === 'string' ? v.length : textLength(v)), 0);
}

/** Whether a message holding a markdown block stays clear of Slack's whole-message text limit. */
export const fitsWithMarkdown = (blocks: readonly KnownBlock[]): boolean => textLength(blocks) <= MAX_MESSAGE_TEXT_WITH_MARKDOWN;
