import type { IncidentDesk } from '../incidents/desk.js';
import { err } from '../result.js';
import type { Command } from './command.js';
import { improveCommand } from './improve.js';
import { incidentCommand } from './incident.js';
import { postmortemCommand } from './postmortem.js';

const unavailable = { message: 'Incidents are not available in this Triage.' };

/** /incident, /postmortem and /improve over one incident desk. */
export function incidentCommands(desk: IncidentDesk | undefined): Command[] {
  return [
    incidentCommand({
      declare: (input) => (desk ? desk.declare(input) : Promise.reject(new Error(unavailable.message))),
      status: async (id) => desk?.status(id),
      resolve: (input) => (desk ? desk.resolve(input) : Promise.reject(new Error(unavailable.message))),
      timeline: async (id) => (desk ? desk.timeline(id) : []),
      current: async () => desk?.current(),
    }),
    postmortemCommand({
      post: async (id) => (desk ? desk.postMinutes(id) : err(unavailable.message)),
      latest: async () => desk?.currentOrLatest(),
      url: (id) => `/incidents/${id}/postmortem.md`,
    }),
    improveCommand({ improve: async (id) => (desk ? desk.improve(id) : err(unavailable)) }),
  ];
}
