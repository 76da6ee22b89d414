import { LineCounter, isMap, isScalar, parseDocument, visit, type Document, type YAMLError } from 'yaml';
import type { FieldProblem } from '../errors.ts';
import { parseContacts } from './parse-contacts.ts';
import { parseProject } from './parse-project.ts';
import { parseBounty, parseRecognition, parseSafeHarbor, parseSections } from './parse-recognition.ts';
import { parseDisclosure, parseResponse } from './parse-response.ts';
import { parseIntake, parseScope, parseSupportedVersions } from './parse-scope.ts';
import { parseTriage } from './parse-triage.ts';
import { parseAccess } from './parse-access.ts';
import { parseRetention } from './parse-retention.ts';
import { parseCra } from './parse-cra.ts';
import { MapReader, ReadContext } from './yaml-reader.ts';
import type { Policy } from './types.ts';

const ROOT_KEYS = [
  'version',
  'project',
  'contacts',
  'supported_versions',
  'intake',
  'scope',
  'response',
  'disclosure',
  'recognition',
  'bounty',
  'safe_harbor',
  'sections',
  'triage',
  'access',
  'retention',
  'cra',
] as const;

export interface ParsePolicyResult {
  /** The complete policy with defaults applied; null whenever there is at least one problem. */
  policy: Policy | null;
  problems: FieldProblem[];
}

export interface ParsePolicyOptions {
  /** When given, an explicit `security_txt.expires` is also checked against this instant. */
  now?: Date;
}

function syntaxProblem(error: YAMLError, lines: LineCounter): FieldProblem {
  const firstLine = error.message.split('\n')[0] ?? error.message;
  return {
    field: '(yaml)',
    message: firstLine.replace(/ at line \d+, column \d+:?$/, ''),
    line: error.linePos?.[0].line ?? lines.linePos(error.pos[0]).line,
  };
}

/** The longest policy YAML the API takes (characters); the dashboard refuses a bigger file before sending it. */
export const MAX_POLICY_YAML_CHARS = 200_000;

/** A policy is written by hand: a few aliases help, thousands are an attack (each resolution walks the document). */
export const MAX_POLICY_ALIASES = 50;

function tooManyAliases(doc: Document, lines: LineCounter): FieldProblem | null {
  let count = 0;
  let problem: FieldProblem | null = null;
  visit(doc, {
    Alias(_key, node) {
      if (++count <= MAX_POLICY_ALIASES) return undefined;
      problem = { field: '(yaml)', message: `the policy uses more than ${MAX_POLICY_ALIASES} YAML aliases (*name); that is the limit`, line: lines.linePos(node.range?.[0] ?? 0).line };
      return visit.BREAK;
    },
  });
  return problem;
}

/** Parses and fully validates a policy YAML document, reporting every problem with its line. */
export function parsePolicy(yamlText: string, opts: ParsePolicyOptions = {}): ParsePolicyResult {
  try {
    return parseChecked(yamlText, opts);
  } catch (e) {
    // The YAML parser recurses per nesting level: input nested deep enough to exhaust the stack is refused.
    if (e instanceof RangeError) return { policy: null, problems: [{ field: '(yaml)', message: 'the policy nests too deeply to read', line: 1 }] };
    throw e;
  }
}

function parseChecked(yamlText: string, opts: ParsePolicyOptions): ParsePolicyResult {
  const lines = new LineCounter();
  const doc = parseDocument(yamlText, { lineCounter: lines, prettyErrors: true });
  // The tree after a syntax error is a guess, so validating it would mostly report noise.
  if (doc.errors.length > 0) return { policy: null, problems: doc.errors.map((e) => syntaxProblem(e, lines)) };
  const aliases = tooManyAliases(doc, lines);
  if (aliases) return { policy: null, problems: [aliases] };

  const ctx = new ReadContext(doc, lines);
  const rootLine = ctx.lineOf(doc.contents, 1);
  if (!doc.contents || !isMap(doc.contents)) {
    const message = doc.contents ? 'the policy must be a mapping of keys to values' : 'the policy is empty';
    return { policy: null, problems: [{ field: '(root)', message, line: rootLine }] };
  }
  const root = new MapReader(ctx, doc.contents, '', rootLine, ROOT_KEYS);

  const versionField = root.require('version');
  if (versionField && !(isScalar(versionField.node) && versionField.node.value === 1)) {
    ctx.report(versionField, 'must be 1 (the only policy format version)');
  }
  const scope = parseScope(ctx, root.get('scope'));
  const policy: Policy = {
    version: 1,
    project: parseProject(ctx, root.require('project')),
    contacts: parseContacts(ctx, root.require('contacts'), opts.now),
    supported_versions: parseSupportedVersions(ctx, root.require('supported_versions')),
    intake: parseIntake(ctx, root.get('intake'), scope),
    scope,
    response: parseResponse(ctx, root.get('response')),
    disclosure: parseDisclosure(ctx, root.get('disclosure')),
    recognition: parseRecognition(ctx, root.get('recognition')),
    bounty: parseBounty(ctx, root.get('bounty')),
    safe_harbor: parseSafeHarbor(ctx, root.get('safe_harbor')),
    sections: parseSections(ctx, root.get('sections')),
    triage: parseTriage(ctx, root.get('triage')),
    access: parseAccess(ctx, root.get('access')),
    retention: parseRetention(ctx, root.get('retention')),
    cra: parseCra(ctx, root.get('cra')),
  };
  const problems = [...ctx.problems].sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  return { policy: problems.length === 0 ? policy : null, problems };
}
