import type { Finding } from '../check.js';

/**
 * A section with nothing to check: not a failure (nothing is known to be wrong) and not a pass
 * (nothing was checked), but a WARNING that says the line to add to triage.config.yml, under
 * `doctor:` (src/doctor/config.ts). The action kind has no recovery rank, so these come last in
 * the plan, after whatever is actually broken.
 */
export function unconfigured(what: string, line: string, alternative?: string): Finding {
  return {
    status: 'warning',
    summary: `no ${what} configured`,
    details: [`add to triage.config.yml under doctor: ${line}`, ...(alternative ? [alternative] : [])],
    actions: [{ kind: 'configure', text: `Configure ${what}: doctor.${line} in triage.config.yml`, buttons: [] }],
  };
}

/** The lines, as the README's Doctor section shows them. */
export const CONFIG_LINES = {
  backup: 'backup: { path: "/var/backups/agents/*.dump" }',
  requiredSecrets: 'requiredSecrets: [OPENAI_API_KEY, ANTHROPIC_API_KEY]',
  providers: 'providers: [{ id: openai, url: "https://api.openai.com/v1/models" }]',
  mcpServers: 'mcpServers: [{ id: database-query, transport: http, url: "http://mcp.internal:8080/mcp" }]',
} as const;
