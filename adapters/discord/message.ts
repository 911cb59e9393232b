/**
 * The JSON body Discord's REST API (v10) takes to create or edit a message, typed by hand for the
 * few shapes Triage sends; rest.ts posts the plain body through discord.js's REST client, and
 * test/adapters/discord/builders.test.ts checks every rendered one with discord.js's builders.
 * https://discord.com/developers/docs/resources/message#create-message
 */

/** https://discord.com/developers/docs/components/reference#component-object-component-types */
export const ComponentType = { ActionRow: 1, Button: 2 } as const;

/** Link (5) and Premium (6) take a url/sku instead of a custom_id, so Triage never sends them. */
export const ButtonStyle = { Primary: 1, Secondary: 2, Success: 3, Danger: 4 } as const;
export type ButtonStyle = (typeof ButtonStyle)[keyof typeof ButtonStyle];

export type Button = {
  type: typeof ComponentType.Button;
  style: ButtonStyle;
  label: string;
  /** Sent back verbatim on click; unique within the message. */
  custom_id: string;
  disabled?: boolean;
};

export type ActionRow = { type: typeof ComponentType.ActionRow; components: Button[] };

export type EmbedField = { name: string; value: string; inline: boolean };

export type Embed = {
  title: string;
  description?: string;
  /** 0xRRGGBB as an integer: the bar down the embed's left edge. */
  color: number;
  author?: { name: string };
  fields: EmbedField[];
  footer?: { text: string };
};

export type DiscordMessage = {
  content: string;
  embeds: Embed[];
  /** Always present: an edit without `components` would keep the old buttons on a closed card. */
  components: ActionRow[];
  allowed_mentions: { parse: [] };
};
