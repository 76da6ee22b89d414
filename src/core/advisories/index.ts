export * from './types.ts';
export * from './states.ts';
export * from './backport.ts';
export * from './branch-bounds.ts';
export * from './credits.ts';
export * from './cwe.ts';
export * from './purl.ts';
export * from './validate.ts';
