import type { ActionRow, Button } from '../message.js';

/**
 * A Components V2 message body (https://discord.com/developers/docs/components/reference): the
 * IS_COMPONENTS_V2 flag, then components only; `content` and `embeds` are refused with it, and
 * once a message is sent with the flag it cannot be edited back to embeds, nor an embed message
 * given it without clearing content and embeds.
 */
export const IS_COMPONENTS_V2 = 1 << 15;
export const V2Type = { Section: 9, TextDisplay: 10, Separator: 14, Container: 17 } as const;

/*
 * Discord's limits for a V2 message (the Components reference and discord.js's guide): at most 40
 * components counting nested ones, at most 4000 characters across all text displays, a section
 * holds 1-3 text displays and exactly one accessory (a button or a thumbnail).
 */
export const MAX_V2_COMPONENTS = 40;
export const MAX_V2_TEXT = 4000;
export const MAX_SECTION_TEXTS = 3;

export type TextDisplay = { type: typeof V2Type.TextDisplay; content: string };
export type Section = { type: typeof V2Type.Section; components: TextDisplay[]; accessory: Button };
export type Separator = { type: typeof V2Type.Separator; divider: boolean; spacing: 1 | 2 };
export type ContainerChild = TextDisplay | Section | Separator | ActionRow;
export type Container = { type: typeof V2Type.Container; accent_color: number; components: ContainerChild[] };

export type DiscordV2Message = { flags: typeof IS_COMPONENTS_V2; components: [Container]; allowed_mentions: { parse: [] } };

/** Every component, nested ones included, as Discord counts them against the 40. */
export function countComponents(children: readonly ContainerChild[]): number {
  return children.reduce((n, c) => n + 1 + ('components' in c ? c.components.length : 0) + ('accessory' in c ? 1 : 0), 0);
}

/** The characters Discord counts against the 4000: every text display's content. */
export function textLength(children: readonly ContainerChild[]): number {
  return children.reduce((n, c) => {
    if (c.type === V2Type.TextDisplay) return n + c.content.length;
    if (c.type === V2Type.Section) return n + c.components.reduce((m, t) => m + t.content.length, 0);
    return n;
  }, 0);
}
