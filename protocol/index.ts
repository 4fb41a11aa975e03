export * from './api.ts';
export * from './ids.ts';
export * from './kit.ts';
export * from './messages.ts';
export * from './node-agent-config.ts';
export * from './node-config.ts';
export * from './quantities.ts';
export * from './topics.ts';
