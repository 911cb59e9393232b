import { describe, expect, it } from 'vitest';
import { improveCommand, parseIncidentId } from '../../src/commands/improve.js';
import { err, ok } from '../../src/result.js';
import type { Ticket } from '../../src/tickets/port.js';

const ctx = { actor: { platform: 'slack' as const, userId: 'U0OPS', name: 'Operator' }, channel: 'ops', platform: 'slack' as const };

const ticket = (id: string, title: string, url?: string): Ticket => ({
  id, title, fingerprint: title.toLowerCase().replace(/\W+/g, '-'), description: '', labels: [], deliverables: [], status: 'open', tracker: 'github', ...(url ? { url } : {}),
});

/** The use case as the app wires it: incident 12 exists and is the latest; 99 does not exist. */
function harness() {
  const asked: Array<number | undefined> = [];
  const command = improveCommand({
    improve: async (incidentId) => {
      asked.push(incidentId);
      if (incidentId === 99) return err({ message: 'There is no incident #99. Open incidents: #12.' });
      return ok({
        created: [ticket('61', 'Add connection backoff logic to routines', 'https://github.com/team-x/platform/issues/61')],
        existing: [ticket('58', 'Add provider failover for critical agentic loops', 'https://github.com/team-x/platform/issues/58')],
      });
    },
  });
  return { asked, run: (args: string) => command.run(args, ctx) };
}

describe('/improve', () => {
  it('runs the loop for the latest incident and tells the channel what was filed and what was deduped', async () => {
    const { asked, run } = harness();
    expect(await run('')).toEqual({
      visibility: 'channel',
      text: [
        '1 improvement ticket created, 1 existing ticket found (deduped)',
        '• #61: Add connection backoff logic to routines — https://github.com/team-x/platform/issues/61',
        '• #58: Add provider failover for critical agentic loops (already open) — https://github.com/team-x/platform/issues/58',
      ].join('\n'),
    });
    expect(asked).toEqual([undefined]);
  });

  it('takes an incident id written as 12 or #12', async () => {
    const { asked, run } = harness();
    await run('12');
    await run(' #12 ');
    expect(asked).toEqual([12, 12]);
  });

  it('answers privately and precisely when the id is wrong, without running the loop', async () => {
    const { asked, run } = harness();
    expect(await run('twelve')).toEqual({
      visibility: 'private',
      text: '"twelve" is not an incident id; ids are whole numbers like 12 (as in "Incident #12"). Use /improve 12, or /improve for the latest incident.',
    });
    expect((await run('0')).text).toMatch(/^"0" is not an incident id/);
    expect((await run('-3')).text).toMatch(/^"-3" is not an incident id/);
    expect(await run('12 13')).toEqual({ visibility: 'private', text: '/improve takes one incident id, not "12 13". For example: /improve 12, or /improve for the latest incident.' });
    expect(asked).toEqual([]);
  });

  it('shows the use case\'s answer privately when the incident does not exist', async () => {
    const { run } = harness();
    expect(await run('99')).toEqual({ visibility: 'private', text: 'There is no incident #99. Open incidents: #12.' });
  });

  it('explains itself on /improve help', async () => {
    const { asked, run } = harness();
    const reply = await run('HELP');
    expect(reply.visibility).toBe('private');
    expect(reply.text).toContain('/improve <incident id>');
    expect(asked).toEqual([]);
  });

  it('parses ids strictly', () => {
    expect(parseIncidentId('')).toEqual({ ok: true, value: undefined });
    expect(parseIncidentId('#7')).toEqual({ ok: true, value: 7 });
    expect(parseIncidentId('7.5').ok).toBe(false);
    expect(parseIncidentId('9999999999999999').ok).toBe(false);
  });
});
