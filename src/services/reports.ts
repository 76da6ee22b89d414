// The report services, one module per concern; importers keep using this path.
export * from './report-intake.ts';
export * from './report-views.ts';
export * from './report-triage.ts';
export * from './report-thread.ts';
