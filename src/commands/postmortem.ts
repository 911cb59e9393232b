import type { Minutes } from '../postmortem/minutes.js';
import type { Result } from '../result.js';
import { privately, type Command } from './command.js';

const usage = ['/postmortem — the minutes of the current (or last) incident, posted in its thread', '/postmortem <incident id> — the same for one incident, e.g. /postmortem 12'];

/** `/postmortem [id]`: generate the minutes at any time; they go into the incident's thread. */
export function postmortemCommand(deps: {
  post: (incidentId: number) => Promise<Result<Minutes, string>>;
  latest: () => Promise<{ id: number } | undefined>;
  url: (incidentId: number) => string;
}): Command {
  return {
    name: 'postmortem',
    summary: "an incident's post-mortem minutes: timeline, root causes, action items, lessons",
    usage,
    async run(args) {
      const word = args.trim().replace(/^#/, '');
      if (word === 'help') return privately(usage.join('\n'));
      if (word !== '' && !/^\d{1,12}$/.test(word)) {
        return privately(`"${args.trim()}" is not an incident number; use /postmortem 12 (as in "Incident #12"), or /postmortem for the current incident.`);
      }
      const id = word === '' ? (await deps.latest())?.id : Number(word);
      if (id === undefined) return privately('There is no incident yet, so there are no minutes to write.');
      const posted = await deps.post(id);
      if (!posted.ok) return privately(`${posted.error} Try /incident status to see the current one.`);
      return privately(`The minutes of incident #${id} are in its thread (${posted.value.note}); as Markdown: ${deps.url(id)}`);
    },
  };
}
