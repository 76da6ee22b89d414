import { ConfigError, loadConfig } from './config.ts';
import { compose } from './compose.ts';
import { issueSetupToken } from '../services/access/users.ts';
import { isDomainError } from '../core/errors.ts';
import { UI_ROUTES } from '../core/ui-paths.ts';

async function main(): Promise<void> {
  const config = loadConfig();
  const runtime = await compose(config);
  const setupToken = await issueSetupToken(runtime.database.db);
  await runtime.app.listen({ port: config.port, host: config.host });
  if (runtime.metricsApp && config.metricsAddress) {
    await runtime.metricsApp.listen(config.metricsAddress);
    process.stdout.write(`Metrics on http://${config.metricsAddress.host.includes(':') ? `[${config.metricsAddress.host}]` : config.metricsAddress.host}:${config.metricsAddress.port}/metrics\n`);
  }
  const where = runtime.database.engine === 'pglite' ? `embedded database in ${config.dataDir}` : 'PostgreSQL';
  process.stdout.write(`Embargo listening on ${config.publicUrl} (${where})\n`);
  if (runtime.mail.smtpPort !== null) process.stdout.write(`Receiving mail by SMTP on port ${runtime.mail.smtpPort}\n`);
  process.stdout.write(`Outgoing mail: ${runtime.mail.outgoing}\n`);
  if (config.secretsSource === 'data-dir') process.stdout.write(`Encryption and session secrets: ${config.dataDir}/secrets.json (set EMBARGO_ENCRYPTION_KEYS and EMBARGO_SESSION_SECRET to manage them yourself)\n`);
  if (setupToken) {
    process.stdout.write(
      `\nNo administrator exists yet. Create the first one with this one-time setup token:\n  ${setupToken}\n` +
        `in the browser at ${config.publicUrl}${UI_ROUTES.setup}, or with\n` +
        `  curl -X POST ${config.publicUrl}/api/v1/setup -H 'content-type: application/json' \\\n` +
        `    -d '{"token":"${setupToken}","email":"you@example.org","name":"Your Name","password":"a long passphrase"}'\n` +
        `or run: embargo admin create (with the server stopped)\n\n`,
    );
  }
  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    runtime.app.log.info({ signal }, 'shutting down');
    runtime.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((e: unknown) => {
  if (e instanceof ConfigError || isDomainError(e)) process.stderr.write(`embargo: ${e.message}\n`);
  else process.stderr.write(`embargo: failed to start: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
