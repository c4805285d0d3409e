// How every appspec parser reports a file the YAML parser cannot read, and the order problems are listed in.
import type { LineCounter, YAMLError } from 'yaml';
import type { FieldProblem } from '../errors';

export function yamlSyntaxProblem(error: YAMLError, source: string, lines: LineCounter): FieldProblem {
  const line = lines.linePos(error.pos[0]).line;
  switch (error.code) {
    case 'TAB_AS_INDENT':
      return { field: source, line, message: 'tabs are not allowed for indentation; use spaces' };
    case 'MULTIPLE_DOCS':
      return { field: source, line, message: "holds more than one YAML document; remove the extra '---'" };
    case 'RESOURCE_EXHAUSTION':
      return { field: source, line, message: 'nests lists or mappings too deeply for the YAML parser; an appspec needs only a few levels' };
    default:
      return { field: source, line, message: `is not valid YAML: ${error.message}` };
  }
}

/** Problems in file order; those without a line (missing top-level keys) first. */
export function sortByLine(problems: readonly FieldProblem[]): FieldProblem[] {
  return [...problems].sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
}
