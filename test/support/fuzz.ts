/** Seeded mutation fuzzing shared by the parser fuzz tests (unit) and the MIME/multipart ones (integration). */

/** Inputs are cut to this size: the parsers' own limits are tested elsewhere; here it is their robustness. */
export const MAX_INPUT = 64 * 1024;

/** mulberry32: small, fast, and the same sequence on every run. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TOKENS = ['\n', ':', '- ', '[', ']', '{', '}', '&a ', '*a', '"', "'", '#', '\\', '=', ',', '\u0000', '\r', '  ', '|', '>', '!!binary ', '%YAML 1.2\n', '---\n', '...', '0x', '1e999', '-', '/', '@'];

export function mutate(seed: string, random: () => number): string {
  let s = seed;
  const edits = 1 + Math.floor(random() * 8);
  for (let i = 0; i < edits; i++) {
    const at = Math.floor(random() * (s.length + 1));
    const kind = random();
    if (kind < 0.3) s = s.slice(0, at) + TOKENS[Math.floor(random() * TOKENS.length)] + s.slice(at);
    else if (kind < 0.5) s = s.slice(0, at) + s.slice(at + 1 + Math.floor(random() * 20));
    else if (kind < 0.65) {
      // Repeat a fragment: deep nesting, many aliases, very long lines.
      const frag = s.slice(at, at + 1 + Math.floor(random() * 12)) || '[';
      s = s.slice(0, at) + frag.repeat(1 + Math.floor(random() * 2000)) + s.slice(at);
    } else if (kind < 0.8) s = s.slice(0, at) + String.fromCharCode(Math.floor(random() * 0x3000)) + s.slice(at + 1);
    else {
      const from = Math.floor(random() * s.length);
      s = s.slice(0, at) + s.slice(from, from + 1 + Math.floor(random() * 200)) + s.slice(at);
    }
  }
  return s.slice(0, MAX_INPUT);
}

