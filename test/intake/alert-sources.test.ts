import { describe, expect, it } from 'vitest';
import { AlertsConfig, createRoutingKeyLookup, readAlertsEnv } from '../../src/intake/alert-sources.js';
import { createIngestAuth } from '../../src/intake/ingest-token.js';

const INGEST = 'test-ingest-token-0123456789';
const PREVIOUS = 'previous-ingest-token-98765';
const LANGFUSE = 'langfuse0123456789abcdef01234567';
const LITELLM = 'litellm-routing-key-from-the-env';

const parse = (section: unknown, env: Record<string, string> = {}) => AlertsConfig.safeParse(readAlertsEnv(section, env));
const messages = (result: ReturnType<typeof parse>) => (result.success ? [] : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));

describe('alerts: config', () => {
  it('reads keys from the file or from the environment variable a source names', () => {
    const parsed = parse({ sources: [{ name: 'langfuse', routingKey: LANGFUSE }, { name: 'litellm', routingKeyEnv: 'LITELLM_ROUTING_KEY' }] }, { LITELLM_ROUTING_KEY: LITELLM });
    expect(parsed.success && parsed.data.sources).toEqual([
      { name: 'langfuse', routingKey: LANGFUSE },
      { name: 'litellm', routingKey: LITELLM },
    ]);
    expect(parse(undefined)).toMatchObject({ success: true, data: { sources: [] } });
  });

  it('names an unset variable, both or neither key, duplicates and the reserved name, without showing a key', () => {
    const problems = messages(
      parse({
        sources: [
          { name: 'litellm', routingKeyEnv: 'LITELLM_ROUTING_KEY' },
          { name: 'both', routingKey: 'both-keys-0123456789', routingKeyEnv: 'X' },
          { name: 'neither' },
          { name: 'langfuse', routingKey: LANGFUSE },
          { name: 'default', routingKey: 'another-key-0123456789' },
          // Written in the file, this is not a key from the environment: still unset.
          { name: 'sneaky', routingKeyEnv: 'UNSET_VAR', routingKeyFromEnv: 'typed-into-the-file-123' },
        ],
      }),
    );
    expect(problems).toEqual([
      'sources.0.routingKeyEnv: names LITELLM_ROUTING_KEY, which is not set (or is empty)',
      'sources.1: set routingKey or routingKeyEnv, not both',
      'sources.2: needs routingKey, or routingKeyEnv naming the environment variable that holds it',
      'sources.4.name: "default" is the name of the ingest token used as a routing key; choose another',
      'sources.5.routingKeyEnv: names UNSET_VAR, which is not set (or is empty)',
    ]);
    const duplicates = messages(parse({ sources: [{ name: 'langfuse', routingKey: LANGFUSE }, { name: 'Langfuse', routingKey: LANGFUSE }] }));
    expect(duplicates).toEqual([
      'sources.1.name: "Langfuse" is named twice; each source needs its own name',
      'sources.1: Langfuse has the same routing key as another source; each source needs its own key, or its alerts cannot be told apart',
    ]);
    const short = messages(parse({ sources: [{ name: 'x', routingKey: 'short' }] }));
    expect(short).toEqual(['sources.0.routingKey: must be at least 16 characters']);
    expect(JSON.stringify([problems, duplicates])).not.toContain(LANGFUSE);
  });
});

describe('sourceForRoutingKey', () => {
  const previousUses: string[] = [];
  const auth = createIngestAuth({ current: INGEST, previous: PREVIOUS }, () => previousUses.push('ingest_token'));
  const config = AlertsConfig.parse({ sources: [{ name: 'langfuse', routingKey: LANGFUSE }, { name: 'litellm', routingKey: LITELLM }] });
  const lookup = createRoutingKeyLookup(config.sources, auth);

  it("answers the configured source's name, or 'default' for the ingest token", () => {
    expect(lookup(LANGFUSE)).toEqual({ ok: true, source: 'langfuse' });
    expect(lookup(LITELLM)).toEqual({ ok: true, source: 'litellm' });
    expect(lookup(INGEST)).toEqual({ ok: true, source: 'default' });
  });

  it('accepts the previous ingest token while it is rotated out, and counts its use', () => {
    expect(lookup(PREVIOUS)).toEqual({ ok: true, source: 'default' });
    expect(previousUses).toEqual(['ingest_token']);
  });

  it('refuses anything else, near misses included, saying nothing more', () => {
    for (const key of ['', LANGFUSE.slice(0, -1), `${LANGFUSE}x`, LANGFUSE.toUpperCase(), `${INGEST} `, `Bearer ${INGEST}`, 'x'.repeat(200)]) {
      expect(lookup(key), JSON.stringify(key.length)).toEqual({ ok: false });
    }
  });
});
