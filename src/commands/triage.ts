import { privately, type Command } from './command.js';

/** `/triage`: help now; later issues add status and settings. */
export function triageCommand(list: () => Command[]): Command {
  const help = () =>
    privately(
      [
        'Triage watches your agent platform and posts what needs attention here, with the buttons that fix it.',
        '',
        ...list().flatMap((c) => [`*/${c.name}* — ${c.summary}`, ...c.usage.map((u) => `    ${u}`)]),
      ].join('\n'),
    );
  return {
    name: 'triage',
    summary: 'help and status',
    usage: ['/triage help — this help'],
    async run(args) {
      const sub = args.trim().split(/\s+/)[0] ?? '';
      if (sub === '' || sub === 'help') return help();
      return privately(`/triage has no option "${sub}". Try /triage help.`);
    },
  };
}
