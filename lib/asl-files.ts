// The ASL files are the one source of truth for flows: the CDK stack and the embedded runtime load them here.
import * as fs from 'node:fs';
import * as path from 'node:path';

export const STATEMACHINES_DIR = path.resolve(__dirname, '..', 'statemachines');
export const SERVER_IN_PLACE_ASL = path.join(STATEMACHINES_DIR, 'server-in-place.asl.json');
export const LAMBDA_TRAFFIC_SHIFT_ASL = path.join(STATEMACHINES_DIR, 'lambda-traffic-shift.asl.json');
export const ECS_BLUE_GREEN_ASL = path.join(STATEMACHINES_DIR, 'ecs-blue-green.asl.json');

const PLACEHOLDER = /\$\{([A-Za-z0-9_]+)\}/g;

/** The `${Name}` placeholders a definition expects, in order of first appearance. */
export function aslPlaceholders(text: string): string[] {
  return [...new Set([...text.matchAll(PLACEHOLDER)].map((m) => m[1]))];
}

/** Reads an ASL file and fills its placeholders the way Step Functions' definitionSubstitutions do. */
export function loadAsl(file: string, substitutions: Readonly<Record<string, string>>): Record<string, unknown> {
  const text = fs.readFileSync(file, 'utf8');
  const filled = text.replace(PLACEHOLDER, (match, name: string) => {
    const value = substitutions[name];
    if (value === undefined) throw new Error(`${path.basename(file)}: no substitution for ${match}`);
    return value;
  });
  return JSON.parse(filled) as Record<string, unknown>;
}
