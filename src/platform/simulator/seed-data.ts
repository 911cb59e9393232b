/**
 * The seed workspace of the Team-X story: twelve employees, each with an external bash runtime,
 * the routines, MCP servers and providers the cascading failure touches, and a small
 * orchestration (workers, workstreams, tasks) for the recovery procedures. Everything starts
 * healthy: the scenarios, not the seed, break things.
 */

/**
 * The healthy workspace's newest backup, an hour old: the seed's first Doctor report reads
 * "Recovery readiness PASS (backup: 1 hour ago)", and a fresh start must not fail for want of one.
 */
export const SEED_BACKUP = { target: 'workspace-db', sizeBytes: 1_842_000_000, minutesAgo: 60 } as const;
type SeedEmployee = { id: string; name: string; role: string; memoryLimitMb: number };

export const SEED_EMPLOYEES: SeedEmployee[] = [
  { id: 'mike', name: 'Mike', role: 'Backend Engineer', memoryLimitMb: 2048 },
  { id: 'priya', name: 'Priya', role: 'Data Engineer', memoryLimitMb: 1024 },
  { id: 'elena', name: 'Elena', role: 'Tech Lead', memoryLimitMb: 2048 },
  { id: 'alex', name: 'Alex', role: 'Product Manager', memoryLimitMb: 1024 },
  { id: 'james', name: 'James', role: 'DevOps Engineer', memoryLimitMb: 2048 },
  { id: 'sofia', name: 'Sofia', role: 'QA Engineer', memoryLimitMb: 1024 },
  { id: 'omar', name: 'Omar', role: 'Security Engineer', memoryLimitMb: 1024 },
  { id: 'hannah', name: 'Hannah', role: 'Frontend Engineer', memoryLimitMb: 1536 },
  { id: 'ravi', name: 'Ravi', role: 'Machine Learning Engineer', memoryLimitMb: 4096 },
  { id: 'grace', name: 'Grace', role: 'Technical Writer', memoryLimitMb: 512 },
  { id: 'lucas', name: 'Lucas', role: 'Data Analyst', memoryLimitMb: 1024 },
  { id: 'nina', name: 'Nina', role: 'UX Designer', memoryLimitMb: 512 },
];

export const runtimeIdFor = (employeeId: string): string => `bash-runtime-${employeeId}`;

export const SEED_HEARTBEAT_INTERVAL_SECONDS = 30;

export const SEED_ROUTINES = [
  { id: 'daily-code-review', budgetLimitUsd: 10, budgetSpentUsd: 6.2, budgetPeriod: 'month' },
  { id: 'weekly-dependency-audit', budgetLimitUsd: 20, budgetSpentUsd: 4.5, budgetPeriod: 'month' },
  { id: 'nightly-data-sync', budgetLimitUsd: 3, budgetSpentUsd: 0.8, budgetPeriod: 'day' },
] as const;

export const SEED_MCP_SERVERS = [
  { id: 'database-query', transport: 'http', poolSize: 5, poolInUse: 1 },
  { id: 'github', transport: 'http', poolSize: 10, poolInUse: 2 },
  { id: 'filesystem', transport: 'stdio', poolSize: 1, poolInUse: 0 },
] as const;

/** Display names matter: Doctor prints "OpenAI: Degraded", not "openai". */
export const PROVIDER_NAMES: Record<string, string> = { anthropic: 'Anthropic', openai: 'OpenAI', ollama: 'Ollama' };

export const SEED_PROVIDERS = [
  { id: 'anthropic', latencyMs: 850, errorRate: 0.002 },
  { id: 'openai', latencyMs: 920, errorRate: 0.004 },
  { id: 'ollama', latencyMs: 310, errorRate: 0 },
] as const;

export const SEED_WORKERS = ['worker-001', 'worker-002', 'worker-003'] as const;

export const SEED_WORKSTREAMS = [
  { id: 'ws-release-2026-05', state: 'running' },
  { id: 'ws-onboarding-docs', state: 'completed' },
] as const;

export const SEED_TASKS = [
  { id: 'task-001', workstreamId: 'ws-release-2026-05', workerId: 'worker-001', state: 'completed' },
  { id: 'task-002', workstreamId: 'ws-release-2026-05', workerId: 'worker-002', state: 'executing' },
  { id: 'task-003', workstreamId: 'ws-release-2026-05', workerId: null, state: 'pending' },
  { id: 'task-004', workstreamId: 'ws-release-2026-05', workerId: null, state: 'pending' },
  { id: 'task-010', workstreamId: 'ws-onboarding-docs', workerId: 'worker-003', state: 'completed' },
] as const;

/** Loops the story lists as "recent completions"; the scenarios start the stuck ones. */
export const SEED_LOOPS = [
  { id: 'loop-ticket-50', ticket: '#50', title: 'Refactor billing webhooks', employeeId: 'mike', provider: 'anthropic', minutesAgo: 95 },
  { id: 'loop-ticket-53', ticket: '#53', title: 'Quarterly usage report', employeeId: 'lucas', provider: 'openai', minutesAgo: 70 },
] as const;

export const SEED_BREAKERS = [
  { id: 'P12345', partner: 'P12345' },
  { id: 'P45678', partner: 'P45678' },
] as const;
