/**
 * A report's text as a set of normalised terms, for duplicate detection. Two kinds: identifiers (CVE/GHSA/OSV
 * ids, function and file names, versions, package names: kept whole, case-folded) and words (lower-cased,
 * stop words dropped, lightly stemmed, common security synonyms folded into one word). Pure: no I/O.
 */
export type IdentifierKind = 'cve' | 'ghsa' | 'advisory' | 'function' | 'file' | 'version' | 'package';
/** `class`: the kind of flaw described (cross-site scripting, denial of service…), see FLAW_CLASSES. */
export type TermKind = IdentifierKind | 'word' | 'class';

export interface Term {
  /** What is hashed: kind and normalised text, e.g. `function:parse_header`, `word:overflow`. */
  key: string;
  kind: TermKind;
  /** The normalised text (what is hashed, after the kind). */
  text: string;
  /** As the report first wrote it, for reasons ("same function name `renderDisplayName`"). */
  shown: string;
}

const CVE = /\bCVE-\d{4}-\d{4,}\b/gi;
const GHSA = /\bGHSA(?:-[23456789cfghjmpqrvwx]{4}){3}\b/gi;
const ADVISORY = /\b(?:PYSEC|RUSTSEC|GO|OSV|GSD|MAL|SNYK)-\d{4}-[A-Za-z0-9-]*\d+\b/g;
const URL = /\bhttps?:\/\/[^\s<>"')\]]+/gi;
const GO_MODULE = /\b(?:github\.com|gitlab\.com|golang\.org\/x|go\.[a-z]+\.io|gopkg\.in|k8s\.io|bitbucket\.org)\/[A-Za-z0-9_.\-/]+/g;
const NPM_SCOPED = /@[a-z0-9][a-z0-9._-]*\/[a-z0-9][a-z0-9._-]*/g;
const VERSION = /(?<![\w.])v?(\d+\.\d+(?:\.\d+)*(?:[-+.]?(?:rc|alpha|beta|dev|post|a|b)\.?\d*)?)(?![\w.]*\w)/gi;
const FILE_EXT =
  'c|h|cc|cpp|hpp|cxx|rs|go|py|pyi|js|mjs|cjs|ts|tsx|jsx|rb|php|java|kt|scala|cs|swift|m|sh|pl|lua|toml|yaml|yml|json|xml|html|htm|ini|cfg|conf|lock|sql|proto';
const FILE = new RegExp(`(?<![\\w/.-])((?:[\\w.-]+/)*[\\w-]+\\.(?:${FILE_EXT}))(?![\\w])`, 'gi');
/** `foo()`, `foo_bar`, `fooBar`, `Foo::bar`, `Foo.Bar`, `foo.bar()`; kept with its qualifier. */
const CODE = /(?<![\w.:])([A-Za-z_][\w]*(?:(?:::|\.|->|#)[A-Za-z_][\w]*)+|[A-Za-z_]*[a-z0-9_][A-Z_][\w]*|[a-z][a-z0-9]*_[\w]+|[A-Za-z_]\w*(?=\(\)?))/g;
const WORD = /[a-z][a-z0-9']*/g;

/**
 * Kinds of flaw and the words that name them. Two reports that each name a kind, but none in common, describe
 * different bugs (an XSS and a crash in the same package); a flaw often has several (an overflow that crashes).
 */
export const FLAW_CLASSES: Record<string, RegExp> = {
  'cross-site scripting': /\b(?:xss|cross[- ]site[- ]scripting|script injection|html injection|javascript: ?ur[il])/i,
  'SQL injection': /\b(?:sql[- ]?injection|sqli)\b/i,
  'code execution': /\b(?:command injection|shell injection|os command|code execution|execute (?:arbitrary|any) (?:code|command)|run (?:arbitrary|any) (?:code|command)|rce|arbitrary code|backdoor|eval\(|template injection)/i,
  'path traversal': /\b(?:path traversal|directory traversal|zip[- ]?slip|\.\.\/|arbitrary file (?:read|write|overwrite|access)|outside (?:of )?the (?:intended|target|base)? ?director)/i,
  'denial of service': /\b(?:denial[- ]of[- ]service|dos\b|crash|panic|segfault|exhaust|infinite loop|hang|resource consumption|out of memory|oom\b|unbounded|uncontrolled (?:resource|recursion|memory)|stack overflow|unlimited|large amounts? of memory|consume (?:all|excessive))/i,
  'memory safety': /\b(?:buffer overflow|heap overflow|overflow|overwrit|past the end|heap buffer|out[- ]of[- ]bounds|use[- ]after[- ]free|double free|memory corruption|over-?read|uninitiali[sz]ed memory|null pointer|dangling|unsound)/i,
  'access control': /\b(?:authentication bypass|authori[sz]ation bypass|bypass|privilege|permission|access control|idor|unauthori[sz]ed|not authori[sz]ed|without (?:authentication|authori[sz]ation)|brute[- ]?force|rate[- ]?limit|lockout|doesn't have access|not a member)/i,
  'information disclosure': /\b(?:information disclosure|information leak|leak|expos(?:e|ure)|sensitive (?:information|data)|disclos)/i,
  'open redirect': /\bopen redirect|redirect the browser|redirect (?:users?|victims?) to/i,
  'request forgery': /\b(?:ssrf|csrf|request forgery)/i,
  'XML external entity': /\b(?:xxe|xml external entit)/i,
  deserialization: /\b(?:deserializ|unpickl|pickle|unsafe (?:yaml )?load)/i,
  'cryptographic weakness': /\b(?:timing (?:attack|side)|side[- ]channel|weak (?:cipher|hash|key|random)|signature (?:verification|check)|certificate (?:validation|verification)|man[- ]in[- ]the[- ]middle|mitm|spoof)/i,
  'request smuggling': /\b(?:request smuggling|smuggl)/i,
  'log or header injection': /\b(?:log (?:injection|forging|entries)|fake entries|header injection|crlf|response splitting|inject (?:arbitrary )?log)/i,
};

const STOP = new Set(
  (
    'a an and are as at be been being but by can could did do does doing for from had has have having he her here hers him his how i if in into is it its ' +
    'itself just me more most my no nor not now of off on once only or other our ours out over own same she should so some such than that the their them ' +
    'then there these they this those through to too under until up very was we were what when where which while who whom why will with would you your ' +
    'yours also any all may might must shall each both few further again against above below between during before after because about via using use ' +
    'used uses hi hello hey dear team maintainers maintainer thanks thank regards best cheers please kindly greetings sincerely found find noticed ' +
    'report reporting reported issue bug problem vulnerability vulnerabilities security would like let know hope writing want wanted think believe ' +
    'seems seem appears appear actually basically simply just following follows following example e g eg ie etc one two way whether however therefore ' +
    'thus since within without across upon yet still even well much many lot lots there\'s it\'s i\'m i\'ve we\'ve don\'t doesn\'t isn\'t can\'t'
  ).split(/\s+/),
);

/** Words that mean the same thing to a triager, folded onto one. Kept short and general on purpose. */
const SYNONYMS: ReadonlyMap<string, string> = new Map(Object.entries({
  segfault: 'crash', panic: 'crash', abort: 'crash', crashes: 'crash', crashing: 'crash', segmentation: 'crash', dos: 'denial', exhaust: 'exhaustion',
  overrun: 'overflow', overread: 'overflow', overwrite: 'overflow', sigsegv: 'crash', dies: 'crash', die: 'crash', oob: 'bound', out: 'out', rce: 'execution', execute: 'execution', exec: 'execution', xss: 'scripting',
  csrf: 'forgery', ssrf: 'forgery', sqli: 'injection', inject: 'injection', malicious: 'crafted', specially: 'crafted', craft: 'crafted',
  attacker: 'attacker', adversary: 'attacker', remote: 'remote', unauthenticated: 'unauthenticated', bypass: 'bypass', circumvent: 'bypass',
  leak: 'disclosure', exposure: 'disclosure', expose: 'disclosure', reveal: 'disclosure', disclose: 'disclosure', infinite: 'loop', hang: 'loop',
  unbounded: 'unlimited', uncontrolled: 'unlimited', excessive: 'unlimited', arbitrary: 'arbitrary', traversal: 'traversal', dotdot: 'traversal',
  validate: 'validation', validating: 'validation', sanitize: 'validation', sanitise: 'validation', sanitization: 'validation', check: 'validation',
  permit: 'allow', enable: 'allow', lets: 'allow', let: 'allow', cause: 'trigger', lead: 'trigger', result: 'trigger', induce: 'trigger',
  function: 'function', method: 'function', routine: 'function', procedure: 'function', memory: 'memory', ram: 'memory', heap: 'heap',
  library: 'library', lib: 'library', package: 'library', crate: 'library', module: 'library', fix: 'fix', patch: 'fix', upgrade: 'fix', update: 'fix',
}));

/** A light stemmer: enough to fold plurals and -ing/-ed forms; never shorter than 3 letters. */
export function stem(word: string): string {
  let w = word.replace(/'s$/, '').replace(/'/g, '');
  if (w.length <= 3) return w;
  // British and American spellings meet: normalise/normalize, sanitisation/sanitization.
  if (w.length > 6) w = w.replace(/is(ation|ations|e|es|ed|ing|er|ers)$/, 'iz$1');
  if (w.endsWith('ies') && w.length > 4) w = `${w.slice(0, -3)}y`;
  else if (w.endsWith('sses')) w = w.slice(0, -2);
  else if (w.endsWith('s') && !w.endsWith('ss') && !w.endsWith('us') && !w.endsWith('is')) w = w.slice(0, -1);
  if (w.endsWith('ing') && w.length > 5) w = w.slice(0, -3);
  else if (w.endsWith('ed') && w.length > 4) w = w.slice(0, -2);
  else if (w.endsWith('ly') && w.length > 4) w = w.slice(0, -2);
  if (w.length > 4 && w.endsWith('e')) w = w.slice(0, -1);
  return w;
}

/** The synonyms by stem, so every form of a word ("caused", "causes") finds its canonical one. */
const SYNONYM_STEMS: ReadonlyMap<string, string> = new Map([...SYNONYMS].map(([from, to]) => [stem(from), stem(to)]));

const canonicalWord = (raw: string): string | null => {
  const lower = raw.toLowerCase();
  if (STOP.has(lower) || lower.length < 3 || /^\d/.test(lower)) return null;
  const stemmed = stem(lower);
  return SYNONYM_STEMS.get(stemmed) ?? stemmed;
};

/** Every term of a text, each once; identifiers first in the order found. */
export function termsOf(text: string): Term[] {
  const out = new Map<string, Term>();
  const add = (kind: TermKind, text: string, shown = text) => {
    const key = `${kind}:${text}`;
    if (!out.has(key)) out.set(key, { key, kind, text, shown });
  };
  const normalized = text.normalize('NFKC');
  for (const [name, re] of Object.entries(FLAW_CLASSES)) if (re.test(normalized)) add('class', name);
  let rest = normalized;
  const take = (re: RegExp, kind: IdentifierKind, norm: (m: string) => string | null = (m) => m.toLowerCase()) => {
    rest = rest.replace(re, (m: string, g1?: unknown) => {
      const v = norm(typeof g1 === 'string' ? g1 : m);
      if (v) add(kind, v);
      return ' ';
    });
  };
  take(CVE, 'cve', (m) => m.toUpperCase());
  take(GHSA, 'ghsa', (m) => m.toUpperCase());
  take(ADVISORY, 'advisory', (m) => m.toUpperCase());
  rest = rest.replace(URL, (m) => {
    const gh = /github\.com\/([\w.-]+\/[\w.-]+)/i.exec(m);
    if (gh?.[1]) add('package', gh[1].toLowerCase().replace(/\.git$/, ''));
    return ' ';
  });
  take(GO_MODULE, 'package', (m) => m.toLowerCase().replace(/[./]+$/, ''));
  take(NPM_SCOPED, 'package');
  rest = rest.replace(FILE, (m: string, path: string) => {
    const parts = path.split('/');
    const tail = parts.slice(-2).join('/');
    add('file', tail.toLowerCase(), tail);
    if (parts.length > 1) add('file', (parts.at(-1) as string).toLowerCase(), parts.at(-1));
    return ' ';
  });
  take(VERSION, 'version', (m) => m.replace(/^v/i, '').toLowerCase());
  rest = rest.replace(CODE, (m: string) => {
    const name = m.replace(/->|#/g, '.').replace(/::/g, '.');
    // A sentence's last word followed by the next capitalised one ("parser.The") is not code.
    if (/^[a-z]+\.[A-Z][a-z]+$/.test(name) && !/[A-Z]/.test(name.slice(0, name.indexOf('.')))) return m;
    const lower = name.toLowerCase();
    add('function', lower, name);
    // `aiohttp.web_middlewares.normalize_path_middleware` and "normalize_path_middleware" name the same thing.
    const last = name.slice(name.lastIndexOf('.') + 1);
    if (last !== name && last.length >= 4) add('function', last.toLowerCase(), last);
    // Its parts still count as words: "the Formatter of LoggerConfig" and `LoggerConfig.Formatter` share them.
    return ` ${name.replace(/[._]/g, ' ')} `;
  });
  for (const raw of rest.toLowerCase().match(WORD) ?? []) {
    const w = canonicalWord(raw);
    if (w) add('word', w);
  }
  return [...out.values()];
}

export const isIdentifier = (kind: TermKind): kind is IdentifierKind => kind !== 'word' && kind !== 'class';
