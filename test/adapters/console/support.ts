import { sql } from 'drizzle-orm';
import { pino } from 'pino';
import { createConsoleChatPort, type ConsoleChatPort } from '../../../adapters/console/chat-port.js';
import { createLiveHub, type LiveHub } from '../../../adapters/console/live-hub.js';
import { consoleRoutes, type ConsoleRoutesDeps } from '../../../adapters/console/routes.js';
import type { CardInput } from '../../../src/chat/card.js';
import { Card } from '../../../src/chat/card.js';
import type { ClickInput, CommandInput, InteractionReply, Interactions } from '../../../src/chat/interactions.js';
import type { Database } from '../../../src/db/client.js';
import { createHttpServer } from '../../../src/http/server.js';
import { createMetrics } from '../../../src/observability/metrics.js';
import type { Employee, Platform } from '../../../src/platform/port.js';
import { ok } from '../../../src/result.js';

/** Fails with the fix when the console's table is not in the migrations yet. */
export async function assertConsoleTable(database: Database): Promise<void> {
  const [row] = await database.query<{ t: string | null }>(sql`select to_regclass('console_messages')::text as t`);
  if (!row?.t) {
    throw new Error("console_messages is missing: add `export * from './console.js';` to src/db/schema/index.ts and run `npm run db:generate`");
  }
}

export const card = (input: Partial<CardInput> = {}): Card => Card.parse({ title: 'A card', severity: 'critical', category: 'operational', ...input });

export const PEOPLE: Employee[] = [
  { id: 'mike', name: 'Mike', role: 'Backend Engineer' },
  { id: 'priya', name: 'Priya', role: 'Data Scientist' },
  { id: 'james', name: 'James', role: 'DevOps Engineer' },
];

/** The far side of the platform port for these tests: just the workspace's people. */
export const fakePlatform = (people: Employee[] = PEOPLE): Pick<Platform, 'listEmployees'> => ({
  listEmployees: async () => ok(people),
});

/**
 * The far side of the core for adapter tests: a plain object implementing the Interactions
 * contract, recording what the adapter handed it and answering what the test says.
 */
export type FakeInteractions = Interactions & {
  clicks: ClickInput[];
  commands: CommandInput[];
  onClick: (input: ClickInput) => Promise<InteractionReply>;
  onCommand: (input: CommandInput) => Promise<InteractionReply>;
};

export function createFakeInteractions(): FakeInteractions {
  const fake: FakeInteractions = {
    clicks: [],
    commands: [],
    onClick: async () => ({ visibility: 'private', text: 'clicked' }),
    onCommand: async (input) => ({ visibility: 'private', text: `Unknown command ${input.command}. Triage knows /triage; try /triage help.` }),
    click: async (input) => {
      fake.clicks.push(input);
      return fake.onClick(input);
    },
    command: async (input) => {
      fake.commands.push(input);
      return fake.onCommand(input);
    },
  };
  return fake;
}

export type ConsoleServer = { url: string; hub: LiveHub; port: ConsoleChatPort; close(): Promise<void> };

/** The console's routes on the real HTTP server (its router and error boundary) on port 0. */
export async function startConsoleServer(
  deps: Pick<ConsoleRoutesDeps, 'database' | 'interactions' | 'startScenario'> & Partial<ConsoleRoutesDeps> & { heartbeatMs?: number },
): Promise<ConsoleServer> {
  const hub = deps.hub ?? createLiveHub({ heartbeatMs: deps.heartbeatMs });
  const routes = consoleRoutes({ platform: fakePlatform(), channels: ['ops'], ...deps, hub });
  const metrics = createMetrics();
  const http = createHttpServer(routes, { metrics, logger: pino({ level: 'silent' }) });
  const { url } = await http.listen(0, '127.0.0.1');
  return {
    url,
    hub,
    port: createConsoleChatPort({ database: deps.database, hub }),
    close: async () => {
      hub.close();
      await http.close(1_000);
      metrics.stop();
    },
  };
}

export type SseEvent = { type: string; data: unknown };

/** A minimal EventSource over fetch: collects events and comment lines as they arrive. */
export async function openStream(url: string) {
  const controller = new AbortController();
  const res = await fetch(url, { signal: controller.signal });
  const events: SseEvent[] = [];
  const comments: string[] = [];
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  const pump = (async () => {
    for (;;) {
      const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true as const }));
      if (done) return;
      buffer += value;
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const frame = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        let type = 'message';
        let data = '';
        for (const line of frame.split('\n')) {
          if (line.startsWith(':')) comments.push(line.slice(1).trim());
          else if (line.startsWith('event: ')) type = line.slice(7);
          else if (line.startsWith('data: ')) data += line.slice(6);
        }
        if (data) events.push({ type, data: JSON.parse(data) as unknown });
      }
    }
  })();
  return {
    res,
    events,
    comments,
    close: async () => {
      controller.abort();
      await pump;
    },
  };
}

export const postJson = (url: string, body: unknown): Promise<Response> =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
