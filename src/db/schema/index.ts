export * from './events.js';
export * from './platform.js';
export * from './insights.js';
