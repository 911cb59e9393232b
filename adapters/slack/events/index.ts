/**
 * The Events API events Triage listens to; adapters/slack/envelope.ts lets only these reach Bolt.
 * Each has its listener in this folder: home.ts (app_home_opened), thread.ts (message).
 */
export const SLACK_EVENT_TYPES = ['app_home_opened', 'message'] as const;
