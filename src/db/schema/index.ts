export * from './events.js';
export * from './platform.js';
