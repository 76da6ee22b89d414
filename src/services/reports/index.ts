// The report services, one module per concern; importers keep using this path.
export * from './intake.ts';
export * from './views.ts';
export * from './triage.ts';
export * from './thread.ts';
