import type { CardState, Severity } from './card.js';

/**
 * How a card's severity and state read on every chat platform: one set of words, so a card says
 * the same thing in Slack, Discord and the console (only the layout differs).
 */
export const SEVERITY_WORDS: Record<Severity, string> = { critical: '🔴 CRITICAL', warning: '⚠️ WARNING', info: 'ℹ️ INFO' };

/** Shown once a card is no longer simply open, so a stale card reads as one. */
export const STATE_WORDS: Partial<Record<CardState, string>> = {
  acknowledged: '👀 Acknowledged',
  resolved: '✅ Resolved',
  dismissed: '🔕 Dismissed',
  pending: '⏳ Pending',
  approved: '✅ Approved',
  denied: '⛔ Denied',
};

/** "🔴 CRITICAL • OPERATIONAL • ✅ Resolved": severity, category, state. */
export const statusLine = (card: { severity: Severity; category?: string | undefined; state: CardState }): string =>
  [SEVERITY_WORDS[card.severity], card.category?.toUpperCase(), STATE_WORDS[card.state]].filter(Boolean).join(' • ');
