export * from './events.js';
export * from './platform.js';
export * from './insights.js';
export * from './chat.js';
export * from './jobs.js';
export * from './console.js';
export * from './slack.js';
