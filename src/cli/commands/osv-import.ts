import { Command } from 'commander';
import { CLI_LABEL, withServices } from '../database.ts';
import { err, out } from '../output.ts';

const SHOWN_REJECTIONS = 3;

/**
 * `embargo osv import PATH`: loads OSV records (a .json file, a zip such as osv.dev's per-ecosystem all.zip, or
 * a folder of either) into the instance's database, where API scans look them up. Incremental: records whose
 * `modified` is not newer than the stored copy are skipped. Database mode only: it is an operator's task.
 */
export const osvImportCommand = (): Command =>
  new Command('import')
    .description('import OSV records (folder, .json or .zip) into the database; a re-import writes only newer records')
    .argument('<path>', 'OSV data: a folder of .json records, a zip (osv.dev all.zip) or a folder of zips')
    .action(async (path: string) => {
      const progress = process.stderr.isTTY ? (text: string) => void process.stderr.write(`\r${text}`) : null;
      const started = performance.now();
      const result = await withServices(process.env, { bootstrap: false }, async (ctx) => {
        const { importOsvPath } = await import('../../services/scanning/osv-import.ts');
        return importOsvPath(ctx.db, path, {
          actor: CLI_LABEL,
          ...(progress ? { onProgress: (read: number) => progress(`importing OSV records: ${read} read`) } : {}),
        });
      });
      progress?.('\n');
      if (result.rejected.length) {
        err(`embargo: skipped ${result.rejected.length} OSV record(s) that break the OSV schema:`);
        for (const r of result.rejected.slice(0, SHOWN_REJECTIONS)) err(`  ${r.source}: ${r.problems.join('; ')}`);
        if (result.rejected.length > SHOWN_REJECTIONS) err(`  and ${result.rejected.length - SHOWN_REJECTIONS} more`);
      }
      out(
        `OSV import: ${result.imported} imported, ${result.updated} updated, ${result.unchanged} unchanged, ${result.rejected.length} rejected ` +
          `(${((performance.now() - started) / 1000).toFixed(1)} s)`,
      );
    });
