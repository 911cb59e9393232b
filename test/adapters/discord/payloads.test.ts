import { describe, expect, it } from 'vitest';
import { Interaction } from '../../../adapters/discord/payloads.js';
import { buttonInteraction, commandInteraction } from './far-side.js';

describe('Discord interaction payloads', () => {
  // Found by fuzzing (fast-check seed 1404720396): a command or button naming nobody was acknowledged,
  // then failed building its Actor, and the person got the crash apology instead of a refusal.
  it('refuses a command or a button that names neither a member nor a user', () => {
    for (const interaction of [commandInteraction('triage', 'help'), buttonInteraction('v1|dismiss|insight:42', '1400000000000000001')]) {
      expect(Interaction.safeParse(interaction).success).toBe(true);
      const { member, ...nobody } = interaction;
      expect(Interaction.safeParse({ ...nobody, user: member.user }).success).toBe(true);
      const refused = Interaction.safeParse(nobody);
      expect(refused.success).toBe(false);
      expect(refused.error?.issues[0]?.message).toMatch(/member or user/);
    }
    expect(Interaction.safeParse({ id: '1', type: 1 }).success).toBe(true);
  });
});
