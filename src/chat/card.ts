import { z } from 'zod';

/**
 * The one neutral message model. The core builds Cards; each adapter (Slack Block Kit, Discord
 * components, the console's HTML) renders them, and owns escaping and platform limits.
 */
export const Severity = z.enum(['critical', 'warning', 'info']);
export type Severity = z.infer<typeof Severity>;

export const Category = z.enum(['operational', 'workflow', 'governance']);
export type Category = z.infer<typeof Category>;

export const CardState = z.enum(['open', 'acknowledged', 'resolved', 'dismissed', 'pending', 'approved', 'denied', 'info']);
export type CardState = z.infer<typeof CardState>;

export const ActionStyle = z.enum(['primary', 'danger', 'default']);

export const CardAction = z.object({
  /** Built and parsed only by src/chat/action-id.ts. */
  id: z.string().min(1).max(255),
  label: z.string().min(1).max(75),
  style: ActionStyle.default('default'),
  /** When set, the adapter asks for confirmation with this text before sending the click. */
  confirm: z.object({ title: z.string(), text: z.string(), confirmLabel: z.string(), denyLabel: z.string() }).optional(),
  value: z.string().max(2000).optional(),
});
export type CardAction = z.infer<typeof CardAction>;

export const CardLink = z.object({
  text: z.string().min(1).max(100),
  url: z.string().max(2000).refine((u) => /^https?:\/\//i.test(u) && URL.canParse(u), 'must be an http(s) URL'),
});
export type CardLink = z.infer<typeof CardLink>;

export const CardField = z.object({ label: z.string(), value: z.string() });
export type CardField = z.infer<typeof CardField>;

export const Card = z.object({
  title: z.string().min(1),
  severity: Severity,
  category: Category.optional(),
  state: CardState.default('open'),
  text: z.string().default(''),
  /**
   * The same content as `text`, written as standard Markdown, for long-form reports (the minutes,
   * the Doctor report) on platforms that show documents (Slack's markdown block). `text` stays
   * the form every renderer can show: a renderer that ignores this, or finds it over its
   * platform's limits, shows `text` as before.
   */
  markdown: z.string().optional(),
  fields: z.array(CardField).default([]),
  /** Affected entities (runtimes, loops, routines...): rendered as a list, truncated by adapters. */
  entities: z.array(z.object({ kind: z.string(), id: z.string(), label: z.string().optional(), detail: z.string().optional() })).default([]),
  actions: z.array(CardAction).default([]),
  /** Links the card's source gave (an external alert's source, dashboard, silence): http(s) only, shown as links. */
  links: z.array(CardLink).max(10).optional(),
  /** One line of context under the card: counts, last seen, who acted. */
  context: z.string().optional(),
});
export type Card = z.infer<typeof Card>;
export type CardInput = z.input<typeof Card>;
