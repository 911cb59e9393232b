import { z } from 'zod';
import { personName } from '../../../actor.js';
import type { CardInput } from '../../../chat/card.js';
import credentialExpiring from '../../../insights/catalog/credential-expiring.js';
import { clock, HOUR } from '../../../insights/catalog/helpers.js';
import type { Platform } from '../../../platform/port.js';
import { err, ok } from '../../../result.js';
import { defineRecoveryAction } from '../action.js';

/** What the platform's credential.expiry event says, as far as a reminder reads it. */
const Said = z.object({ expiresAt: z.string(), owner: z.unknown().optional(), runbook: z.unknown().optional() });

/**
 * The entry's default: within it the insight is critical (src/insights/catalog/credential-expiring.ts),
 * and so is its reminder, which then goes where critical cards go.
 */
const CRITICAL_WITHIN_MS = 24 * HOUR;

/**
 * Credential expiring (self-healing research, "Credential Expiry"): remind the owner the event
 * names, else the channel, to rotate it, with the rotation runbook. A message, not a platform
 * operation: it goes through the Notifier (src/actions/recovery/action.ts) as a card in the
 * channel the credential's card is in, posted once per press.
 *
 * It names the owner as the platform shows them (the employee's name) and does not ping them:
 * the owner comes from an ingested event, and every renderer neutralises mentions in text so an
 * event can never ping anyone (adapters/slack/render/text.ts, adapters/discord/rest.ts). A real
 * ping needs a trusted map from the platform's people to chat accounts, which Triage lacks.
 */
export const remindCredentialOwner = defineRecoveryAction({
  kind: 'remind_credential_owner',
  targetKind: 'credential',
  progress: 'posting the reminder…',
  params: z.object({}),
  async execute(deps, { targetId, call }) {
    if (!deps.notifier) return err({ code: 'platform', text: 'this Triage has no chat to post the reminder in ❌', retryable: false });
    const said = Said.safeParse(await deps.notifier.lastSaid('credential.expiry', 'credential', targetId));
    if (!said.success) {
      return err({ code: 'not_found', text: `Triage holds no expiry report for credential ${targetId} any more, so there is nothing to remind of ❌`, retryable: false });
    }
    const expires = Date.parse(said.data.expiresAt);
    const owner = await ownerName(deps.platform, said.data.owner);
    const runbook = runbookLink(said.data.runbook);
    const critical = Number.isFinite(expires) && expires - deps.now() <= CRITICAL_WITHIN_MS;
    const channels = await deps.notifier.post({
      key: `reminder:${call.idempotencyKey}`,
      route: { kind: credentialExpiring.kind, category: credentialExpiring.category, severity: critical ? 'critical' : 'warning' },
      card: reminderCard(targetId, { owner, expires, runbook, critical, now: deps.now() }),
    });
    const where = channels.map((c) => `#${c}`).join(', ');
    const link = runbook ? ` (runbook: ${runbook})` : '';
    if (!owner) return ok({ text: `no owner is named for ${targetId}: reminded ${where} to rotate it ✅${link}` });
    return ok({ text: `reminded ${owner}, the owner of ${targetId}, in ${where} to rotate it ✅${link}` });
  },
});

/** The owner as the platform shows them: the employee's name for an id or name it knows, else as the event gave it. */
async function ownerName(platform: Pick<Platform, 'listEmployees'>, raw: unknown): Promise<string | undefined> {
  const given = typeof raw === 'string' ? personName(raw) : undefined;
  if (!given) return undefined;
  const listed = await platform.listEmployees();
  const key = given.toLowerCase();
  const known = listed.ok ? listed.value.find((e) => e.id.toLowerCase() === key || e.name.toLowerCase() === key) : undefined;
  return known?.name ?? given;
}

/** The event's runbook when it is a web address; anything else is not linked. */
function runbookLink(raw: unknown): string | undefined {
  if (typeof raw !== 'string') return undefined;
  try {
    const url = new URL(raw);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

type Facts = { owner: string | undefined; expires: number; runbook: string | undefined; critical: boolean; now: number };

function reminderCard(credential: string, f: Facts): CardInput {
  const known = Number.isFinite(f.expires);
  const expired = known && f.expires <= f.now;
  const when = known ? `${expired ? 'expired at' : 'expires at'} ${clock(f.expires)}` : 'expires soon';
  const ask = 'please rotate it and update it where the agents read it.';
  const text = f.owner
    ? `${f.owner}: credential "${credential}" ${when}, and you own it: ${ask}`
    : `Credential "${credential}" ${when}, and no owner is named for it: whoever owns it, ${ask}`;
  // The steps are the catalog's, from the research: rotate, then recover what failed meanwhile.
  const steps = f.runbook ? [`Rotation runbook: ${f.runbook}`] : credentialExpiring.runbook.map((line, i) => `${i + 1}. ${line}`);
  return {
    title: `Reminder: rotate ${credential}`,
    severity: f.critical ? 'critical' : 'warning',
    category: credentialExpiring.category,
    text: [text, ...steps].join('\n'),
    fields: [
      { label: 'Owner', value: f.owner ?? 'not named' },
      { label: expired ? 'Expired at' : 'Expires at', value: known ? clock(f.expires) : 'unknown' },
      ...(f.runbook ? [{ label: 'Runbook', value: f.runbook }] : []),
    ],
    entities: [{ kind: 'credential', id: credential }],
  };
}
