/**
 * CVSS parse+score throughput: Embargo's scorer against the CVSS libraries on npm, in one run.
 *
 *   npx tsx bench/cvss.ts            100,000 vectors (about 50 % CVSS:3.1, 50 % CVSS:4.0)
 *   npx tsx bench/cvss.ts --quick    10,000 vectors, shorter timings (smoke run)
 *
 * What it does:
 *   1. Builds the vectors deterministically (seeded PRNG). v3.1: every base metric, then, each in about half of the
 *      vectors, temporal and environmental metrics (each metric given or not, any value including X). v4.0: every base
 *      metric, E in about half, environmental metrics in about half, supplemental metrics in about a third. All valid,
 *      metrics in specification order (Table 15 / Table 23), which every peer accepts.
 *   2. Scores every vector once with ours and with every peer that supports its version, and compares score and
 *      severity. A peer is EXACT for a version when it agrees with us on all vectors of that version. Every peer is
 *      also run over the published vectors in test/fixtures/cvss, the ground truth our scorer matches. Each
 *      disagreement is diagnosed by re-running the peer's own code with the suspected fault fixed (see `diagnose`):
 *      the fault is named only when the fixed peer then agrees with us; otherwise it is reported as unexplained.
 *   3. Warms every (library, version) pair up, then measures vectors/s of parse+score three times, interleaved
 *      (round-robin, order rotated every round) so machine load hits all alike, and keeps the best of the three.
 *      A measurement runs whole chunks of 1,000 vectors, cycling over that version's vectors, until MIN_MS have
 *      passed: a fast library covers all vectors several times, a slow one a prefix (a random sample, as the
 *      vectors are random).
 *   4. Prints the table library x version -> vectors/s, the ratio ours/peer, the disagreements with examples and
 *      their reasons, and whether the aims hold: >= 2x the fastest exact peer for v3.1, >= 10x for v4.0.
 *
 * Each peer is called through its cheapest public API that yields the same number as our `score` (the most
 * specific score the vector defines). For v3.1 the peers that cannot tell which score that is themselves
 * (@pandatix/js-cvss, cvss4) are handed the answer precomputed, free of charge, which favours them. Ours does more
 * than the peers in the timed loop (normalised vector, base score, severity, sub-scores), which favours them too.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import ae from 'ae-cvss-calculator';
import { CVSS31, CVSS40 } from '@pandatix/js-cvss';
import * as cvss4 from 'cvss4';
import { CVSS_METRIC_DEFINITIONS, cvssSeverity, scoreCvss } from '../src/core/cvss/index.ts';
import { rng as prng } from './support.ts';

const QUICK = process.argv.includes('--quick');
const N = QUICK ? 10_000 : 100_000;
const MIN_MS = QUICK ? 150 : 600;
const WARMUP_MS = QUICK ? 100 : 300;
const ROUNDS = 3;
const CHUNK = 1_000;
const SEED = 0x5eed_c455;
const AIMS = { '3.1': 2, '4.0': 10 } as const;
const EXAMPLES = 5;

type Version = '3.1' | '4.0';
const VERSIONS: readonly Version[] = ['3.1', '4.0'];

// ---------------------------------------------------------------------------------------------------------------
// Vectors


/** Which v3 score is the most specific one: 0 base, 1 temporal, 2 environmental (our rule, see docs/cvss.md). */
const enum Group3 {
  Base = 0,
  Temporal = 1,
  Environmental = 2,
}

interface VectorSet {
  vectors: string[];
  /** v3.1: `Group3` of each vector (handed to peers that need it); v4.0: 0. */
  hints: Uint8Array;
}

function buildVectors(n: number): Record<Version, VectorSet> & { mixed: string[] } {
  const rnd = prng(SEED);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)] as T;
  const v31: string[] = [];
  const h31: number[] = [];
  const v40: string[] = [];
  const mixed: string[] = [];
  for (let k = 0; k < n; k++) {
    if (rnd() < 0.5) {
      const temporal = rnd() < 0.5;
      const environmental = rnd() < 0.5;
      let vector = 'CVSS:3.1';
      let group = Group3.Base;
      for (const m of CVSS_METRIC_DEFINITIONS['3.1']) {
        const include = m.mandatory || (m.group === 'temporal' ? temporal && rnd() < 0.6 : environmental && rnd() < 0.5);
        if (!include) continue;
        const value = pick(m.values).key;
        vector += `/${m.key}:${value}`;
        if (value !== 'X' && m.group === 'environmental') group = Group3.Environmental;
        else if (value !== 'X' && m.group === 'temporal' && group === Group3.Base) group = Group3.Temporal;
      }
      v31.push(vector);
      h31.push(group);
      mixed.push(vector);
    } else {
      const threat = rnd() < 0.5;
      const environmental = rnd() < 0.5;
      const supplemental = rnd() < 0.3;
      let vector = 'CVSS:4.0';
      for (const m of CVSS_METRIC_DEFINITIONS['4.0']) {
        const include =
          m.mandatory ||
          (m.group === 'threat' && threat) ||
          (m.group === 'environmental' && environmental && rnd() < 0.5) ||
          (m.group === 'supplemental' && supplemental && rnd() < 0.5);
        if (include) vector += `/${m.key}:${pick(m.values).key}`;
      }
      v40.push(vector);
      mixed.push(vector);
    }
  }
  return {
    '3.1': { vectors: v31, hints: Uint8Array.from(h31) },
    '4.0': { vectors: v40, hints: new Uint8Array(v40.length) },
    mixed,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Libraries. Every timed loop is its own function literal so that no call site is shared between libraries.

/** Sums the scores of vectors[from..to) (the sum keeps the work observable). */
type Loop = (vectors: readonly string[], hints: Uint8Array, from: number, to: number) => number;

interface Scorer {
  /** Score of one vector, the same number the timed loop computes; throws if the library rejects the vector. */
  score(vector: string, hint: number): number;
  /** The library's own severity for a score (lower case), or the spec bands where it has none. */
  severity(score: number): string;
  loop: Loop;
}

interface Library {
  name: string;
  ours: boolean;
  versions: Partial<Record<Version, Scorer>>;
}

const bands = (score: number): string => cvssSeverity(score);
const at = (vectors: readonly string[], i: number): string => vectors[i] as string;
const round1 = (x: number): number => Math.round(x * 10) / 10; // ae-cvss-calculator's own round(x, 1)

const ours: Library = {
  name: 'embargo (ours)',
  ours: true,
  versions: {
    '3.1': {
      score: (v) => scoreCvss(v).score,
      severity: bands,
      loop: (vs, _h, from, to) => {
        let sum = 0;
        for (let i = from; i < to; i++) sum += scoreCvss(at(vs, i)).score;
        return sum;
      },
    },
    '4.0': {
      score: (v) => scoreCvss(v).score,
      severity: bands,
      loop: (vs, _h, from, to) => {
        let sum = 0;
        for (let i = from; i < to; i++) sum += scoreCvss(at(vs, i)).score;
        return sum;
      },
    },
  },
};

/** Ours on the mixed stream as generated (both versions interleaved). */
const oursMixed: Scorer = {
  score: (v) => scoreCvss(v).score,
  severity: bands,
  loop: (vs, _h, from, to) => {
    let sum = 0;
    for (let i = from; i < to; i++) sum += scoreCvss(at(vs, i)).score;
    return sum;
  },
};

// ae-cvss-calculator: calculateScores().overall is round(calculateExactOverallScore(), 1) plus every other score and
// toString(); the bench calls the overall part only. v4.0: calculateOverallScore() (what calculateScores() uses).
const { Cvss3P1, Cvss4P0 } = ae;
const aeLib: Library = {
  name: 'ae-cvss-calculator',
  ours: false,
  versions: {
    '3.1': {
      score: (v) => round1(new Cvss3P1(v).calculateExactOverallScore()),
      severity: bands,
      loop: (vs, _h, from, to) => {
        let sum = 0;
        for (let i = from; i < to; i++) sum += round1(new Cvss3P1(at(vs, i)).calculateExactOverallScore());
        return sum;
      },
    },
    '4.0': {
      score: (v) => new Cvss4P0(v).calculateOverallScore(),
      severity: bands,
      loop: (vs, _h, from, to) => {
        let sum = 0;
        for (let i = from; i < to; i++) sum += new Cvss4P0(at(vs, i)).calculateOverallScore();
        return sum;
      },
    },
  },
};

const pandatix31 = (v: string, hint: number): number => {
  const c = new CVSS31(v);
  return hint === Group3.Environmental ? c.EnvironmentalScore() : hint === Group3.Temporal ? c.TemporalScore() : c.BaseScore();
};
const pandatixLib: Library = {
  name: '@pandatix/js-cvss',
  ours: false,
  versions: {
    '3.1': {
      score: pandatix31,
      severity: (s) => CVSS31.Rating(s).toLowerCase(),
      loop: (vs, hs, from, to) => {
        let sum = 0;
        for (let i = from; i < to; i++) {
          const c = new CVSS31(at(vs, i));
          const hint = hs[i];
          sum += hint === Group3.Environmental ? c.EnvironmentalScore() : hint === Group3.Temporal ? c.TemporalScore() : c.BaseScore();
        }
        return sum;
      },
    },
    '4.0': {
      score: (v) => new CVSS40(v).Score(),
      severity: (s) => CVSS40.Rating(s).toLowerCase(),
      loop: (vs, _h, from, to) => {
        let sum = 0;
        for (let i = from; i < to; i++) sum += new CVSS40(at(vs, i)).Score();
        return sum;
      },
    },
  },
};

// cvss4: calculateBaseScoreV4 scores the whole v4.0 vector (threat and environmental metrics included) despite its
// name; for v3.x it has one function per score.
const { calculateBaseScore, calculateTemporalScore, calculateEnvironmentalScore, calculateBaseScoreV4, calculateQualScore } = cvss4;
const cvss4v31 = (v: string, hint: number): number =>
  hint === Group3.Environmental ? calculateEnvironmentalScore(v) : hint === Group3.Temporal ? calculateTemporalScore(v) : calculateBaseScore(v);
const cvss4Lib: Library = {
  name: 'cvss4',
  ours: false,
  versions: {
    '3.1': {
      score: cvss4v31,
      severity: (s) => calculateQualScore(s).toLowerCase(),
      loop: (vs, hs, from, to) => {
        let sum = 0;
        for (let i = from; i < to; i++) {
          const v = at(vs, i);
          const hint = hs[i];
          sum +=
            hint === Group3.Environmental
              ? calculateEnvironmentalScore(v)
              : hint === Group3.Temporal
                ? calculateTemporalScore(v)
                : calculateBaseScore(v);
        }
        return sum;
      },
    },
    '4.0': {
      score: (v) => calculateBaseScoreV4(v),
      severity: (s) => calculateQualScore(s).toLowerCase(),
      loop: (vs, _h, from, to) => {
        let sum = 0;
        for (let i = from; i < to; i++) sum += calculateBaseScoreV4(at(vs, i));
        return sum;
      },
    },
  },
};

const LIBRARIES: readonly Library[] = [ours, aeLib, pandatixLib, cvss4Lib];
const PEERS = LIBRARIES.filter((l) => !l.ours);

// ---------------------------------------------------------------------------------------------------------------
// Agreement

interface Disagreement {
  vector: string;
  ours: string;
  peer: string;
  reason: string;
  detail?: string | undefined;
}
interface Agreement {
  checked: number;
  disagreements: number;
  rejected: number;
  examples: Disagreement[];
  reasons: Map<string, number>;
}

/** One decimal, unless the value has more (a peer returning an unrounded score). */
const fmtScore = (score: number): string => (Math.round(score * 10) / 10 === score ? score.toFixed(1) : String(score));
const fmt = (score: number, severity: string): string => `${fmtScore(score)} ${severity}`;

// Diagnosis (after all timing, on disagreeing vectors only): re-run the peer's own code with the suspected fault
// fixed, and call the fault the reason when the fixed peer then agrees with us.

/** The v3.1 specification's Roundup (appendix A). */
const specRoundup = (x: number): number => {
  const i = Math.round(x * 100_000);
  return i % 10_000 === 0 ? i / 100_000 : (Math.floor(i / 10_000) + 1) / 10;
};
const halfUp = (x: number): number => Math.round(x * 10) / 10;
/** v4.0 rounding as FIRST's current calculator (and ours) does it: half up after adding 1e-6 (docs/cvss.md). */
const roundHalfUp40 = (x: number): number => Math.round((x + 1e-6) * 10) / 10;

/** Runs `fn` with a static or prototype method of a peer replaced. */
function patched<T>(target: object, method: string, replacement: (x: number) => number, fn: () => T): T {
  const t = target as Record<string, unknown>;
  const saved = t[method];
  t[method] = replacement;
  try {
    return fn();
  } finally {
    t[method] = saved;
  }
}

/**
 * cvss4's cvss_score, recompiled from its own source with the final rounding removed and, if `fixNextLower`, the
 * next lower MacroVector of EQ3/EQ6 = 1/1 built as 2/1 (FIRST's reference) instead of 2/2. Undefined when the source
 * no longer has the expected shape (another cvss4 version).
 */
function cvss4Raw(fixNextLower: boolean): ((vector: string) => number) | undefined {
  let src = cvss4.cvss_score.toString();
  const rounding = 'return Math.round(value * 10) / 10;';
  const nextLower = /(\/\/ 11 --> 21\s*eq3eq6_next_lower_macro = `\$\{eq1\}\$\{eq2\}\$\{eq3 \+ 1\}\$\{eq4\}\$\{eq5\}\$\{eq6) \+ 1\}`/;
  if (!src.includes(rounding) || !nextLower.test(src)) return undefined;
  src = src.replace(rounding, 'return value;');
  if (fixNextLower) src = src.replace(nextLower, '$1}`');
  const { getEQMaxes, extractValueMetric, m, parseVectorV4, macroVector, cvssLookup_globalV4, maxSeverityV4 } = cvss4;
  const score = new Function('getEQMaxes', 'extractValueMetric', 'm', `return (${src});`)(getEQMaxes, extractValueMetric, m) as typeof cvss4.cvss_score;
  return (vector) => {
    const selected = parseVectorV4(vector);
    return score(selected, cvssLookup_globalV4, maxSeverityV4, macroVector(selected));
  };
}
const CVSS4_RAW = cvss4Raw(false);
const CVSS4_RAW_FIXED = cvss4Raw(true);

const ROUNDING_40 =
  "v4.0 rounding: the unrounded score lies just below a .x5 tie by float error; the peer rounds half up without FIRST's 1e-6 correction (docs/cvss.md, Rounding)";
const PANDATIX_ROUNDUP =
  'Roundup bug: `bx % 1000` where the spec (appendix A) has `% 10000`, so a value on a hundredth (e.g. 7.49) is returned unrounded instead of rounded up';
const PANDATIX_MPR =
  'MPR scope bug: Modified Privileges Required weighed with the base Scope S instead of the Modified Scope MS (wrong when MS differs from S)';
const CVSS4_NEXT_LOWER =
  'EQ3/EQ6 next-lower bug: for EQ3/EQ6 = 1/1 the next lower MacroVector is built as 2/2 (does not exist) instead of 2/1, so the EQ3+EQ6 distance drops out of the mean';

interface Diagnosis {
  reason: string;
  /** Shown with the example, e.g. the peer's unrounded score. */
  detail?: string;
}

function diagnose(lib: Library, version: Version, vector: string, hint: number, ourScore: number, peerScore: number): Diagnosis {
  if (lib === pandatixLib && version === '3.1') {
    // The vector with base S set to MS: then pandatix's MPR weight uses the effective scope.
    const ms = /\/MS:([UC])/.exec(vector)?.[1];
    const scoped = ms ? vector.replace(/\/S:[UC]/, `/S:${ms}`) : vector;
    const fixedRoundup = patched(CVSS31, 'roundup', specRoundup, () => [pandatix31(vector, hint), pandatix31(scoped, hint)]);
    if (fixedRoundup[0] === ourScore) return { reason: PANDATIX_ROUNDUP };
    if (pandatix31(scoped, hint) === ourScore) return { reason: PANDATIX_MPR, detail: `MS:${ms ?? '?'} differs from base S` };
    if (fixedRoundup[1] === ourScore) return { reason: 'MPR scope bug + Roundup bug: both of the above' };
  }
  if (version === '4.0') {
    let raw: number | undefined;
    if (lib === aeLib) raw = patched(Cvss4P0.prototype, 'roundToDecimalPlaces', (x) => x, () => new Cvss4P0(vector).calculateOverallScore());
    if (lib === pandatixLib) raw = patched(CVSS40, 'roundup', (x) => x, () => new CVSS40(vector).Score());
    if (lib === cvss4Lib) raw = CVSS4_RAW?.(vector);
    if (raw !== undefined && roundHalfUp40(raw) === ourScore && halfUp(raw) === peerScore) return { reason: ROUNDING_40, detail: `unrounded ${raw}` };
    if (lib === cvss4Lib) {
      const fixed = CVSS4_RAW_FIXED?.(vector);
      if (fixed !== undefined && roundHalfUp40(fixed) === ourScore) {
        const detail = `peer unrounded ${raw ?? '?'}, with the fix ${fixed}`;
        return { reason: roundHalfUp40(fixed) === halfUp(fixed) ? CVSS4_NEXT_LOWER : 'EQ3/EQ6 next-lower bug + v4.0 rounding: both of the above', detail };
      }
    }
    if (raw !== undefined) return { reason: 'unexplained', detail: `peer unrounded ${raw}` };
  }
  return { reason: 'unexplained' };
}

interface Reference {
  score: Float64Array;
  severity: string[];
}

function reference(set: VectorSet): Reference {
  const score = new Float64Array(set.vectors.length);
  const severity: string[] = [];
  set.vectors.forEach((v, i) => {
    const r = scoreCvss(v);
    score[i] = r.score;
    severity.push(r.severity);
  });
  return { score, severity };
}

function compare(lib: Library, version: Version, scorer: Scorer, set: VectorSet, ref: Reference): Agreement {
  const out: Agreement = { checked: 0, disagreements: 0, rejected: 0, examples: [], reasons: new Map() };
  const { vectors, hints } = set;
  for (let i = 0; i < vectors.length; i++) {
    const vector = at(vectors, i);
    const ourScore = ref.score[i] ?? Number.NaN;
    const ourSev = ref.severity[i] ?? '';
    out.checked++;
    let peerScore: number;
    let peerSev: string;
    try {
      peerScore = scorer.score(vector, hints[i] ?? 0);
      peerSev = scorer.severity(peerScore);
    } catch (error) {
      out.disagreements++;
      out.rejected++;
      const message = error instanceof Error ? error.message : String(error);
      const reason = `rejects a valid vector: ${message.slice(0, 100)}`;
      out.reasons.set(reason, (out.reasons.get(reason) ?? 0) + 1);
      if (out.examples.length < EXAMPLES) out.examples.push({ vector, ours: fmt(ourScore, ourSev), peer: 'throws', reason });
      continue;
    }
    if (peerScore === ourScore && peerSev === ourSev) continue;
    out.disagreements++;
    const { reason, detail } =
      peerScore === ourScore
        ? { reason: `severity band differs for the same score (${peerSev} for ${fmtScore(ourScore)})`, detail: undefined }
        : diagnose(lib, version, vector, hints[i] ?? 0, ourScore, peerScore);
    out.reasons.set(reason, (out.reasons.get(reason) ?? 0) + 1);
    if (out.examples.length < EXAMPLES) out.examples.push({ vector, ours: fmt(ourScore, ourSev), peer: fmt(peerScore, peerSev), reason, detail });
  }
  return out;
}

/** Published vectors (test/fixtures/cvss): v3.1 base scores of vectors_simple31, v4.0 scores of every *4 file. */
function publishedVectors(): Record<Version, { vector: string; score: number }[]> {
  const dir = new URL('../test/fixtures/cvss/', import.meta.url);
  const out: Record<Version, { vector: string; score: number }[]> = { '3.1': [], '4.0': [] };
  for (const file of readdirSync(dir)) {
    const version: Version | null = file === 'vectors_simple31' ? '3.1' : file.endsWith('4') ? '4.0' : null;
    if (!version) continue;
    for (const line of readFileSync(new URL(file, dir), 'utf8').split('\n')) {
      const m = /^(CVSS:\S+) - \(?([\d.]+)/.exec(line);
      if (m?.[1] && m[2]) out[version].push({ vector: m[1], score: Number(m[2]) });
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Timing

let sink = 0;

/** Runs whole chunks, cycling over the vectors, until `minMs` have passed; returns vectors/s. */
function measure(scorer: Scorer, set: VectorSet, minMs: number): number {
  const { vectors, hints } = set;
  const n = vectors.length;
  let count = 0;
  let i = 0;
  const start = performance.now();
  let elapsed = 0;
  do {
    const end = Math.min(i + CHUNK, n);
    sink += scorer.loop(vectors, hints, i, end);
    count += end - i;
    i = end === n ? 0 : end;
    elapsed = performance.now() - start;
  } while (elapsed < minMs);
  return (count / elapsed) * 1000;
}

// ---------------------------------------------------------------------------------------------------------------
// Report helpers

const int = (x: number): string => Math.round(x).toLocaleString('en-US');
const pad = (s: string, w: number): string => s.padEnd(w);
const lpad = (s: string, w: number): string => s.padStart(w);
const ratio = (x: number): string => `${x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2)}x`;

function main(): void {
  const t0 = performance.now();
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  const load = (): string =>
    loadavg()
      .map((l) => l.toFixed(2))
      .join(' ');
  console.log(`CVSS parse+score bench${QUICK ? ' (--quick)' : ''}: ${int(N)} vectors, seed 0x${SEED.toString(16)}`);
  console.log(`node ${process.version}, ${availableParallelism()} cores (${cpu}), load average ${load()} at start`);

  const sets = buildVectors(N);
  const mixed: VectorSet = { vectors: sets.mixed, hints: new Uint8Array(sets.mixed.length) };
  console.log(`vectors: ${int(sets['3.1'].vectors.length)} CVSS:3.1, ${int(sets['4.0'].vectors.length)} CVSS:4.0\n`);

  // 1. Our scores of every vector; the first pass is timed as a cold start (JIT and v3 memo tables empty).
  const cold = performance.now();
  const refs = { '3.1': reference(sets['3.1']), '4.0': reference(sets['4.0']) };
  const coldRate = (N / (performance.now() - cold)) * 1000;

  // Agreement of every peer on every generated vector, and of every library on the published vectors.
  const agreement = new Map<string, Agreement>();
  for (const version of VERSIONS) {
    for (const lib of PEERS) {
      const scorer = lib.versions[version];
      if (scorer) agreement.set(`${lib.name} ${version}`, compare(lib, version, scorer, sets[version], refs[version]));
    }
  }
  const published = publishedVectors();
  const publishedWrong = new Map<string, { wrong: number; total: number; reasons: Map<string, number>; example?: string }>();
  for (const version of VERSIONS) {
    for (const lib of LIBRARIES) {
      const scorer = lib.versions[version];
      if (!scorer) continue;
      const entry: { wrong: number; total: number; reasons: Map<string, number>; example?: string } = {
        wrong: 0,
        total: published[version].length,
        reasons: new Map(),
      };
      for (const { vector, score } of published[version]) {
        let got: number | undefined;
        try {
          got = scorer.score(vector, Group3.Base);
        } catch {
          got = undefined;
        }
        if (got === score) continue;
        entry.wrong++;
        entry.example ??= `${vector}: published ${score.toFixed(1)}, got ${got === undefined ? 'an exception' : fmtScore(got)}`;
        const reason = got === undefined ? 'rejects the vector' : lib.ours ? 'OURS IS WRONG' : diagnose(lib, version, vector, Group3.Base, score, got).reason;
        entry.reasons.set(reason, (entry.reasons.get(reason) ?? 0) + 1);
      }
      publishedWrong.set(`${lib.name} ${version}`, entry);
    }
  }
  const tAgree = performance.now();

  // 2. Warm-up, then ROUNDS interleaved measurements per (library, version), plus ours on the mixed stream as
  // generated; the best of the rounds counts.
  type Job = { key: string; scorer: Scorer; set: VectorSet };
  const jobsOf = (version: Version): Job[] =>
    LIBRARIES.flatMap((lib) => {
      const scorer = lib.versions[version];
      return scorer ? [{ key: `${lib.name} ${version}`, scorer, set: sets[version] }] : [];
    });
  const mixedJob: Job = { key: `${ours.name} mixed`, scorer: oursMixed, set: mixed };
  for (const job of [...jobsOf('3.1'), ...jobsOf('4.0'), mixedJob]) measure(job.scorer, job.set, WARMUP_MS);
  const best = new Map<string, number>();
  const all = new Map<string, number[]>();
  for (let round = 0; round < ROUNDS; round++) {
    const rotate = <T>(list: readonly T[]): T[] => list.map((_, k) => list[(k + round) % list.length] as T);
    const versions = round % 2 === 0 ? VERSIONS : [...VERSIONS].reverse();
    const jobs = [...versions.flatMap((v) => rotate(jobsOf(v))), mixedJob];
    for (const { key, scorer, set } of rotate(jobs)) {
      const rate = measure(scorer, set, MIN_MS);
      best.set(key, Math.max(best.get(key) ?? 0, rate));
      all.set(key, [...(all.get(key) ?? []), rate]);
    }
  }
  const tMeasure = performance.now();

  // 3. Report.
  const exactPeers: Record<Version, string[]> = { '3.1': [], '4.0': [] };
  for (const version of VERSIONS) {
    for (const lib of PEERS) {
      const a = agreement.get(`${lib.name} ${version}`);
      if (a && a.disagreements === 0) exactPeers[version].push(lib.name);
    }
  }
  const share = (v: Version) => sets[v].vectors.length / N;
  console.log(`Throughput, parse+score, vectors/s (best of ${ROUNDS})`);
  const header = `${pad('library', 22)} ${lpad('CVSS:3.1', 11)} ${lpad('ours/peer', 10)} ${lpad('CVSS:4.0', 11)} ${lpad('ours/peer', 10)} ${lpad('mixed*', 11)}  exact (agrees with us on all vectors)`;
  console.log(header);
  console.log('-'.repeat(header.length));
  const oursRate = (v: Version) => best.get(`${ours.name} ${v}`) ?? Number.NaN;
  for (const lib of LIBRARIES) {
    const cells: string[] = [pad(lib.name, 22)];
    let mixedSeconds = 0;
    for (const version of VERSIONS) {
      const rate = best.get(`${lib.name} ${version}`);
      cells.push(lpad(rate ? int(rate) : 'n/a', 11));
      cells.push(lpad(lib.ours || !rate ? '' : ratio(oursRate(version) / rate), 10));
      mixedSeconds += rate ? share(version) / rate : Number.NaN;
    }
    cells.push(lpad(Number.isFinite(mixedSeconds) ? int(1 / mixedSeconds) : 'n/a', 11));
    const exact = lib.ours ? 'reference (0 published vectors wrong)' : VERSIONS.map((v) => `${v} ${exactPeers[v].includes(lib.name) ? 'yes' : 'NO'}`).join(', ');
    cells.push(` ${exact}`);
    console.log(cells.join(' '));
  }
  console.log(`* mixed: the 50/50 stream, N / (N31/rate31 + N40/rate40) from the per-version rates.`);
  console.log(`  ours measured on the mixed stream as generated (versions interleaved): ${int(best.get(mixedJob.key) ?? 0)}/s`);
  console.log(`  ours cold, first pass over all ${int(N)} vectors (JIT cold, v3 memo tables empty): ${int(coldRate)}/s`);
  console.log('  every run (vectors/s):');
  for (const [key, rates] of all) console.log(`    ${pad(key, 28)} ${rates.map(int).join(' / ')}`);

  console.log('\nAgreement with ours on the generated vectors (score or severity differs, or the peer throws)');
  for (const version of VERSIONS) {
    for (const lib of PEERS) {
      const a = agreement.get(`${lib.name} ${version}`);
      if (!a) continue;
      const pct = ((a.disagreements / a.checked) * 100).toFixed(2);
      console.log(`- ${lib.name} CVSS:${version}: ${int(a.disagreements)} of ${int(a.checked)} disagree (${pct} %)${a.rejected ? `, ${int(a.rejected)} rejected` : ''}`);
      for (const [reason, count] of a.reasons) console.log(`    ${int(count)} x ${reason}`);
      for (const e of a.examples) {
        const why = a.reasons.size > 1 ? ` [${e.reason.split(':')[0] ?? ''}]` : '';
        console.log(`    e.g. ${e.vector}\n         ours ${e.ours}, peer ${e.peer}${e.detail ? `; ${e.detail}` : ''}${why}`);
      }
    }
  }
  console.log('\nPublished vectors (test/fixtures/cvss: v3.1 = vectors_simple31 base scores; v4.0 = the four *4 files)');
  for (const [key, p] of publishedWrong) {
    console.log(`- ${pad(key, 26)} ${int(p.wrong)} of ${int(p.total)} wrong${p.example ? `; e.g. ${p.example}` : ''}`);
    for (const [reason, count] of p.reasons) console.log(`    ${int(count)} x ${reason.split(':')[0]}`);
  }

  console.log('\nAims');
  let allMet = true;
  for (const version of VERSIONS) {
    const ourRate = oursRate(version);
    const rated = (name: string) => ({ name, rate: best.get(`${name} ${version}`) ?? 0 });
    const fastestExact = exactPeers[version].map(rated).sort((a, b) => b.rate - a.rate)[0];
    const fastestAny = PEERS.map((l) => rated(l.name)).sort((a, b) => b.rate - a.rate)[0];
    const aim = AIMS[version];
    const anyText = fastestAny ? `; vs the fastest peer, exact or not (${fastestAny.name}, ${int(fastestAny.rate)}/s): ${ratio(ourRate / fastestAny.rate)}` : '';
    if (fastestExact) {
      const r = ourRate / fastestExact.rate;
      const met = r >= aim;
      allMet &&= met;
      console.log(
        `- CVSS:${version}: ours ${int(ourRate)}/s vs fastest exact peer ${fastestExact.name} ${int(fastestExact.rate)}/s = ${ratio(r)} (aim >= ${aim}x): ${met ? 'MET' : 'MISSED'}${anyText}`,
      );
    } else {
      console.log(`- CVSS:${version}: no exact peer, so the aim (>= ${aim}x the fastest exact peer) has no comparator${anyText}`);
    }
  }
  console.log(`all aims with a comparator met: ${allMet ? 'yes' : 'no'}`);
  console.log(
    `\ntime: agreement ${((tAgree - t0) / 1000).toFixed(1)} s, measurement ${((tMeasure - tAgree) / 1000).toFixed(1)} s; load average ${load()} at end (checksum ${sink.toFixed(0)})`,
  );
}

main();
