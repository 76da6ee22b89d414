/** What Embargo's SARIF 2.1.0 outputs share: the log around one run, and a result's location. */

/** Relative paths as they are (with `/`); absolute ones as file: URIs, as SARIF's artifactLocation wants. */
function uriOf(file: string): string {
  const slashed = file.replace(/\\/g, '/');
  if (/^[A-Za-z]:\//.test(slashed)) return `file:///${encodeURI(slashed)}`;
  return slashed.startsWith('/') ? `file://${encodeURI(slashed)}` : encodeURI(slashed);
}

/** A result's location: the file, and its line when known (0 and undefined: none). */
export const sarifLocation = (file: string, line: number | null | undefined) => ({
  physicalLocation: { artifactLocation: { uri: uriOf(file) }, ...(line ? { region: { startLine: line } } : {}) },
});

/** A SARIF 2.1.0 log of one run of the tool `name`. */
export function sarifLog(driver: { name: string; version: string; rules: object[] }, results: object[]): object {
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{ tool: { driver }, results }],
  };
}
