import { describe, expect, it } from 'vitest';
import { createCommands } from '../../src/commands/index.js';
import { unusedCommandDeps } from './support.js';

const ctx = { actor: { platform: 'console' as const, userId: 'mike' }, channel: 'ops', platform: 'console' as const };

/**
 * Words every JavaScript object answers to ("__proto__", "constructor") are not options. Found by
 * fuzzing: "/incident __proto__" crashed (fast-check seed 1503939075) and "/doctor constructor"
 * ran no checks and posted HEALTHY to the channel (seed 1633406841).
 */
describe('words that are keys of every object', () => {
  const commands = createCommands(unusedCommandDeps);

  it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty'])('/incident %s is an unknown option, answered privately', async (word) => {
    const reply = await commands.run('/incident', `${word} 12`, ctx);
    expect(reply).toEqual({ visibility: 'private', text: expect.stringContaining(`/incident has no option "${word}"`) });
  });

  it.each(['constructor', '__proto__'])('/doctor %s names the unknown word and runs nothing', async (word) => {
    const reply = await commands.run('/doctor', word, ctx);
    expect(reply).toEqual({ visibility: 'private', text: expect.stringContaining(`/doctor does not know "${word}"`) });
  });
});
