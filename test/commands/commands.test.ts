import { describe, expect, it } from 'vitest';
import { createCommands } from '../../src/commands/index.js';
import { unusedCommandDeps } from './support.js';

const ctx = { actor: { platform: 'console' as const, userId: 'mike' }, channel: 'ops', platform: 'console' as const };

describe('slash commands', () => {
  const commands = createCommands(unusedCommandDeps);

  it('/triage help lists the commands privately', async () => {
    const reply = await commands.run('/triage', 'help', ctx);
    expect(reply.visibility).toBe('private');
    expect(reply.text).toContain('/triage');
    expect(await commands.run('triage', '', ctx)).toEqual(reply);
  });

  it('answers an unknown command with what exists and how to get help', async () => {
    const reply = await commands.run('/nope', '', ctx);
    expect(reply).toEqual({ visibility: 'private', text: 'Unknown command /nope. Triage knows /triage, /doctor, /budget, /audit, /incident, /postmortem, /improve; try /triage help.' });
  });

  it('answers an unknown option of a known command precisely', async () => {
    const reply = await commands.run('/triage', 'frobnicate now', ctx);
    expect(reply.text).toBe('/triage has no option "frobnicate". Try /triage help.');
  });
});
