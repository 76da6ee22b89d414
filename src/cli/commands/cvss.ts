import { Command } from 'commander';
import { isDomainError } from '../../core/errors.ts';
import { scoreCvss } from '../../core/cvss/index.ts';
import { presentCvss } from '../../api/present.ts';
import { CliError, problemsOf } from '../errors.ts';
import { out } from '../output.ts';

const label: Record<string, string> = {
  base_score: 'Base score',
  temporal_score: 'Temporal score',
  environmental_score: 'Environmental score',
  impact_sub_score: 'Impact sub-score',
  exploitability_sub_score: 'Exploitability sub-score',
  nomenclature: 'Nomenclature',
  macro_vector: 'MacroVector',
};

export const cvssCommand = (): Command =>
  new Command('cvss')
    .description('score a CVSS v3.0, v3.1 or v4.0 vector (no database); an invalid vector exits 2')
    .argument('<vector>', 'e.g. CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H')
    .option('--json', 'print exactly one JSON object')
    .action((vector: string, opts: { json?: boolean }) => {
      let result;
      try {
        result = presentCvss(scoreCvss(vector));
      } catch (e) {
        if (!isDomainError(e)) throw e;
        throw new CliError(e.message, 2, problemsOf(e).map((p) => `  ${p.message}`));
      }
      if (opts.json) return out(JSON.stringify(result));
      const lines = [`CVSS ${result.version}  ${result.score.toFixed(1)}  ${result.severity.toUpperCase()}`, result.vector];
      for (const [key, value] of Object.entries(result)) {
        if (key in label && value !== undefined) lines.push(`${label[key]}: ${typeof value === 'number' ? value.toFixed(1) : value}`);
      }
      out(lines.join('\n'));
    });
