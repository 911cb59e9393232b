import type { Card } from '../chat/card.js';
import type { Outbox } from '../chat/outbox/index.js';
import type { ChatPlatform } from '../chat/port.js';

/** Where a card goes: a logical channel, optionally as a reply in another card's thread. */
export type CardPlacement = { cardKey: string; channel: string; threadCardKey?: string };

/** Shows a card on every chat platform, posted once and updated in place (the outbox's promise). */
export type CardSink = (placement: CardPlacement, card: Card) => Promise<void>;

export function outboxCardSink(outbox: Pick<Outbox, 'enqueueUpdate' | 'kick'>, platforms: () => ChatPlatform[]): CardSink {
  return async (placement, card) => {
    for (const platform of platforms()) {
      await outbox.enqueueUpdate({ platform, channel: placement.channel, cardKey: placement.cardKey, card, ...(placement.threadCardKey ? { threadCardKey: placement.threadCardKey } : {}) });
    }
    outbox.kick();
  };
}
