// Types of dist-stamp.mjs (plain JavaScript so that it runs without tsx; see there).
export declare const REPO: string;
export declare const TARGETS: {
  readonly app: { readonly output: 'dist/app/cli.js'; readonly stamp: 'dist/app-build.json' };
  readonly web: { readonly output: 'dist/web/index.html'; readonly stamp: 'dist/web-build.json' };
};
export declare function filesUnder(dir: string): string[];
export declare function writeStamp(target: keyof typeof TARGETS, files: Iterable<string>, dirs?: string[]): void;
export declare function staleReason(target: keyof typeof TARGETS): string | null;
export declare function ensureBuilt(targets: (keyof typeof TARGETS)[], opts?: { quiet?: boolean }): void;
