import { describe, expect, it } from 'vitest';
import entry from '../../../src/insights/catalog/loops-stuck.js';
import { detect, stored } from '../../support/signals.js';

const started = (minutes: number, ticket: string, title: string, provider = 'openai') =>
  stored('loop.started', minutes, { loopId: `loop-${ticket.slice(1)}`, ticket, title, employee: 'Elena', provider });

describe('stuck agentic loops (Team-X)', () => {
  it('lists every loop running > 30 minutes on one workspace card, as the seed does', () => {
    const [d, ...rest] = detect(entry, [
      started(52, '#55', 'Architecture planning'),
      started(41, '#52', 'Data analysis', 'anthropic'),
      started(34, '#47', 'Code review'),
      started(45, '#50', 'API pagination refactor'),
      stored('loop.finished', 10, { loopId: 'loop-50', outcome: 'completed' }),
      started(20, '#60', 'Too young to be stuck'),
    ]);
    expect(rest).toEqual([]);
    expect(d!.scope).toBe('workspace');
    expect(d!.summary).toBe('3 agentic loops in "running" state > 30 minutes.');
    expect(d!.detail).toBe('Possible hang or slow provider response.');
    expect(d!.entities.map((e) => e.label)).toEqual(['Ticket #47 (Code review)', 'Ticket #52 (Data analysis)', 'Ticket #55 (Architecture planning)']);
    expect(d!.fields).toEqual([{ label: 'Providers', value: 'openai ×2, anthropic ×1' }]);
    const actions = entry.actions(d!);
    expect(actions.map((a) => a.action)).toEqual(['cancel_loop', 'cancel_loop', 'cancel_loop', 'dismiss']);
    expect(actions[0]).toMatchObject({ target: { id: 'loop-47' }, confirm: expect.stringContaining('Ticket #47') });
  });

  it('stays quiet for a loop at 29 minutes, or one that finished', () => {
    expect(detect(entry, [started(29, '#1', 'Young')])).toEqual([]);
    expect(detect(entry, [started(45, '#2', 'Done'), stored('loop.finished', 1, { loopId: 'loop-2', outcome: 'failed' })])).toEqual([]);
  });
});
