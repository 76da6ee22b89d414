import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * The UI bundle's hashed file names (its style sheet and icon, which every server-rendered public page links)
 * change with each UI build, so golden pages hold them without their hash.
 */
export const withoutAssetHashes = (page: string): string => page.replace(/(\/assets\/[A-Za-z0-9_.-]+?)-[A-Za-z0-9_-]{8}\.(css|svg)/g, '$1.$2');

/** Compares with the stored file; `UPDATE_GOLDEN=1` rewrites it (review the diff before committing). */
export function assertGolden(file: string, page: string): void {
  const actual = withoutAssetHashes(page);
  if (process.env.UPDATE_GOLDEN === '1' || !existsSync(file)) {
    if (process.env.UPDATE_GOLDEN !== '1') assert.fail(`missing golden file ${file}: run with UPDATE_GOLDEN=1 once and review it`);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, actual);
    return;
  }
  assert.equal(actual, readFileSync(file, 'utf8'), `${file} differs (UPDATE_GOLDEN=1 rewrites it)`);
}
