/**
 * Names of the weaknesses Embargo offers (CWE 4.x, the CWE Top 25 and common web/library weaknesses). CSAF
 * 6.1.11 requires `cwe.name` to be the catalogue name of `cwe.id`, so an id outside this list is refused
 * rather than exported with a guessed name.
 */
export const CWE_NAMES: Readonly<Record<string, string>> = {
  'CWE-20': 'Improper Input Validation',
  'CWE-22': "Improper Limitation of a Pathname to a Restricted Directory ('Path Traversal')",
  'CWE-77': "Improper Neutralization of Special Elements used in a Command ('Command Injection')",
  'CWE-78': "Improper Neutralization of Special Elements used in an OS Command ('OS Command Injection')",
  'CWE-79': "Improper Neutralization of Input During Web Page Generation ('Cross-site Scripting')",
  'CWE-89': "Improper Neutralization of Special Elements used in an SQL Command ('SQL Injection')",
  'CWE-94': "Improper Control of Generation of Code ('Code Injection')",
  'CWE-119': 'Improper Restriction of Operations within the Bounds of a Memory Buffer',
  'CWE-125': 'Out-of-bounds Read',
  'CWE-190': 'Integer Overflow or Wraparound',
  'CWE-200': 'Exposure of Sensitive Information to an Unauthorized Actor',
  'CWE-269': 'Improper Privilege Management',
  'CWE-276': 'Incorrect Default Permissions',
  'CWE-287': 'Improper Authentication',
  'CWE-295': 'Improper Certificate Validation',
  'CWE-306': 'Missing Authentication for Critical Function',
  'CWE-312': 'Cleartext Storage of Sensitive Information',
  'CWE-327': 'Use of a Broken or Risky Cryptographic Algorithm',
  'CWE-345': 'Insufficient Verification of Data Authenticity',
  'CWE-352': 'Cross-Site Request Forgery (CSRF)',
  'CWE-362': "Concurrent Execution using Shared Resource with Improper Synchronization ('Race Condition')",
  'CWE-384': 'Session Fixation',
  'CWE-400': 'Uncontrolled Resource Consumption',
  'CWE-416': 'Use After Free',
  'CWE-434': 'Unrestricted Upload of File with Dangerous Type',
  'CWE-476': 'NULL Pointer Dereference',
  'CWE-502': 'Deserialization of Untrusted Data',
  'CWE-522': 'Insufficiently Protected Credentials',
  'CWE-532': 'Insertion of Sensitive Information into Log File',
  'CWE-601': "URL Redirection to Untrusted Site ('Open Redirect')",
  'CWE-611': 'Improper Restriction of XML External Entity Reference',
  'CWE-639': 'Authorization Bypass Through User-Controlled Key',
  'CWE-770': 'Allocation of Resources Without Limits or Throttling',
  'CWE-787': 'Out-of-bounds Write',
  'CWE-798': 'Use of Hard-coded Credentials',
  'CWE-862': 'Missing Authorization',
  'CWE-863': 'Incorrect Authorization',
  'CWE-915': 'Improperly Controlled Modification of Dynamically-Determined Object Attributes',
  'CWE-918': 'Server-Side Request Forgery (SSRF)',
  'CWE-1321': "Improperly Controlled Modification of Object Prototype Attributes ('Prototype Pollution')",
  'CWE-1333': 'Inefficient Regular Expression Complexity',
  'CWE-1336': 'Improper Neutralization of Special Elements Used in a Template Engine',
};

export const CWE_ID = /^CWE-[1-9][0-9]*$/;

export const cweName = (id: string): string | undefined => CWE_NAMES[id];

/** Common report category ids (policy `scope.in_scope[].id`) and the weakness they usually are. */
const CATEGORY_CWE: Readonly<Record<string, string>> = {
  xss: 'CWE-79',
  'cross-site-scripting': 'CWE-79',
  sqli: 'CWE-89',
  'sql-injection': 'CWE-89',
  'command-injection': 'CWE-78',
  rce: 'CWE-94',
  'code-injection': 'CWE-94',
  'path-traversal': 'CWE-22',
  csrf: 'CWE-352',
  ssrf: 'CWE-918',
  xxe: 'CWE-611',
  'open-redirect': 'CWE-601',
  'auth-bypass': 'CWE-287',
  authentication: 'CWE-287',
  authorization: 'CWE-863',
  idor: 'CWE-639',
  'info-disclosure': 'CWE-200',
  'information-disclosure': 'CWE-200',
  dos: 'CWE-400',
  'denial-of-service': 'CWE-400',
  redos: 'CWE-1333',
  deserialization: 'CWE-502',
  'prototype-pollution': 'CWE-1321',
  crypto: 'CWE-327',
};

/**
 * The CWE a report's category suggests when an advisory is drafted from it: a category that is itself a known
 * CWE id (`CWE-79`), or a common category id (`xss`); null when nothing fits (the editor picks one).
 */
export function cweForCategory(category: string | null): string | null {
  if (!category) return null;
  const c = category.trim();
  if (CWE_ID.test(c.toUpperCase()) && cweName(c.toUpperCase())) return c.toUpperCase();
  return CATEGORY_CWE[c.toLowerCase()] ?? null;
}
