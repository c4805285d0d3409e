// Appspec texts of one resource laid out line by line, so a test can name the line a parser reports a problem on.

/**
 * An appspec of the one resource `name` of `type`: `version` on line 1, the resource on line 3, its Type on line 4,
 * its Properties (each line indented under it) from line 6, then Hooks, if any, each an item of its list.
 */
export function oneResourceAppSpec(name: string, type: string, properties: readonly string[], hooks: readonly string[] = []): string {
  const head = ['version: 0.0', 'Resources:', `  - ${name}:`, `      Type: ${type}`, '      Properties:'];
  const hookLines = hooks.length === 0 ? [] : ['Hooks:', ...hooks.map((hook) => `  - ${hook}`)];
  return [...head, ...properties.map((line) => `        ${line}`), ...hookLines, ''].join('\n');
}
