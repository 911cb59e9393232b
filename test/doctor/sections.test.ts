import { describe, expect, it } from 'vitest';
import { parseSections } from '../../src/doctor/sections.js';

describe('/doctor sections', () => {
  it('reads aliases, in any case and with commas, as the sections they stand for, in report order', () => {
    expect(parseSections('MCP, database self')).toEqual({ ok: true, value: ['db', 'mcp', 'triage'] });
    expect(parseSections('  ')).toEqual({ ok: true, value: [] });
  });

  // Found by fuzzing (fast-check seed 1633406841, path 1792, counterexample "constructor"): words
  // that are keys of every object ran zero checks, reported HEALTHY to the channel and stored a
  // run whose report could not be read back.
  it.each(['constructor', '__proto__', 'CONSTRUCTOR mcp', 'db __proto__'])('refuses "%s" and names the word', (text) => {
    const parsed = parseSections(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toEqual(text.toLowerCase().split(/\s+/).filter((w) => w === 'constructor' || w === '__proto__'));
  });
});
