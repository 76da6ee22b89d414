import { closeSync, lstatSync, openSync, readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { DomainError } from '../../core/errors.ts';
import { bufferSource, fileSource, zipEntries, type ZipSource } from '../osv/zip-entries.ts';

/** One file of a scanned tree: its path relative to the tree (with `/`) and random access to its bytes. */
export interface TreeFile {
  path: string;
  size: number;
  open(): ZipSource;
  close?(): void;
}

export interface TreeLimits {
  maxFiles: number;
  maxTotalBytes: number;
}

export const DEFAULT_LIMITS: TreeLimits = { maxFiles: 50_000, maxTotalBytes: 4 * 1024 * 1024 * 1024 };

/** Folders that hold other projects' files or tool state, not this project's sources. */
export const SKIPPED_FOLDERS = new Set(['.git', '.hg', '.svn', 'node_modules', 'vendor', 'third_party', 'third-party', 'bower_components', '.venv', 'venv', '__pycache__', '.tox', '.mypy_cache', 'site-packages', 'target', 'dist-packages']);

const tooMany = (what: string, limit: number): DomainError =>
  new DomainError('validation', `${what} over the limit of ${limit.toLocaleString('en')}: scan a smaller folder, or skip files with path: entries in .embargo-allow`);

/** The files under `root` (a folder or one file), skipping vendored folders and symbolic links, in name order. */
export function folderTree(root: string, limits: TreeLimits = DEFAULT_LIMITS): TreeFile[] {
  const files: TreeFile[] = [];
  let total = 0;
  const add = (full: string, size: number, path: string): void => {
    if (files.length >= limits.maxFiles) throw tooMany(`${root}: more than the file count`, limits.maxFiles);
    total += size;
    if (total > limits.maxTotalBytes) throw tooMany(`${root}: total size`, limits.maxTotalBytes);
    let fd: number | null = null;
    files.push({
      path,
      size,
      open: () => fileSource((fd = openSync(full, 'r'))),
      close: () => {
        if (fd !== null) closeSync(fd);
        fd = null;
      },
    });
  };
  const top = lstatSync(root);
  if (top.isFile()) {
    add(root, top.size, root.split(sep).join('/'));
    return files;
  }
  const walk = (dir: string): void => {
    for (const d of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const full = join(dir, d.name);
      if (d.isDirectory()) {
        if (!SKIPPED_FOLDERS.has(d.name)) walk(full);
      } else if (d.isFile()) add(full, lstatSync(full).size, relative(root, full).split(sep).join('/'));
    }
  };
  walk(root);
  return files;
}

/** The files of an uploaded zip of a tree (the scan API's form of a folder), with the same skips and limits. */
export function zipTree(zip: Buffer, name: string, limits: TreeLimits = DEFAULT_LIMITS): TreeFile[] {
  const entries = zipEntries(zip, name).filter((e) => !e.name.split('/').some((part) => SKIPPED_FOLDERS.has(part)));
  if (entries.length > limits.maxFiles) throw tooMany(`${name}: more than the file count`, limits.maxFiles);
  const total = entries.reduce((a, e) => a + e.size, 0);
  if (total > limits.maxTotalBytes) throw tooMany(`${name}: total inflated size`, limits.maxTotalBytes);
  return entries.map((e) => {
    let bytes: Buffer | null = null;
    return { path: e.name.replace(/^\.\//, ''), size: e.size, open: () => bufferSource((bytes ??= e.read())), close: () => void (bytes = null) };
  });
}
