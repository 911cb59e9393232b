import type { EventKinds } from '../apply-events.js';
import { patchObjects } from '../objects.js';

/** An agent's context as its latest usage report says, for compactContext (./infra.ts). */
export const AGENT_CONTEXT = 'agent_context';

/** Events folded into the objects the infra operations change (see ../apply-events.ts). */
export const infraRemedyEvents: EventKinds = {
  'context.usage': {
    key: (a) => `${AGENT_CONTEXT}:${a.agent}`,
    merge: (_prev, next) => next,
    apply: (items) => patchObjects(AGENT_CONTEXT, items.map(({ a, at }) => ({ id: a.agent, patch: { usedTokens: a.usedTokens, windowTokens: a.windowTokens }, at }))),
  },
};
