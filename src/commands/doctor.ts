import { doctorCard } from '../doctor/card.js';
import { Section } from '../doctor/check.js';
import type { DoctorReport } from '../doctor/report.js';
import type { DoctorInput } from '../doctor/run.js';
import { parseSections, SECTION_HELP } from '../doctor/sections.js';
import { privately, type Command } from './command.js';

const usage = [
  '/doctor — run every health check',
  `/doctor <section> [<section>…] — only some: ${Section.options.join(', ')}`,
  '/doctor help — what each section checks',
];

/**
 * `/doctor`: the report goes to the channel, because on-call wants the room to see the same
 * picture; mistakes in the command are answered privately.
 */
export function doctorCommand(run: (input: Omit<DoctorInput, 'trigger'>) => Promise<DoctorReport>): Command {
  return {
    name: 'doctor',
    summary: 'run health checks and get a prioritised action plan',
    usage,
    async run(args, ctx) {
      if (args.trim().toLowerCase() === 'help') {
        return privately(['*/doctor* runs these checks in parallel:', ...Section.options.map((s) => `• *${s}* — ${SECTION_HELP[s]}`), '', ...usage].join('\n'));
      }
      const sections = parseSections(args);
      if (!sections.ok) {
        const words = sections.error.map((w) => `"${w}"`).join(', ');
        return privately(`/doctor does not know ${words}. Valid sections: ${Section.options.join(', ')}. For example: /doctor mcp runtimes, or /doctor for everything.`);
      }
      const report = await run({ requestedBy: ctx.actor, sections: sections.value });
      return { visibility: 'channel', text: `Doctor: ${report.overall} (${report.counts})`, card: doctorCard(report) };
    },
  };
}
