import { readFileSync, readdirSync } from 'node:fs';
import { parsePolicy } from '../../../src/core/policy/parse.ts';
import type { Policy } from '../../../src/core/policy/types.ts';

export const EXAMPLES_DIR = new URL('../../../examples/policies/', import.meta.url);

/** The example policy per seed SECURITY.md, keyed by file name without `.yaml`. */
export const EXAMPLE_NAMES = ['privastream', 'personal-chatter', 'blayzen', 'mini-biai-1', 'taehv'] as const;
export type ExampleName = (typeof EXAMPLE_NAMES)[number];

export const exampleText = (name: string): string => readFileSync(new URL(`${name}.yaml`, EXAMPLES_DIR), 'utf8');

export const exampleFiles = (): string[] => readdirSync(EXAMPLES_DIR).filter((f) => f.endsWith('.yaml'));

export function loadExample(name: ExampleName): Policy {
  const { policy, problems } = parsePolicy(exampleText(name));
  if (!policy) throw new Error(`${name}.yaml: ${JSON.stringify(problems)}`);
  return policy;
}
