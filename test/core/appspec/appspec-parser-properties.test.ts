// Property tests of the three appspec parsers (Server appspec.yml, Lambda and ECS appspecs): random text and bytes,
// random objects written as YAML, valid appspecs broken one field or one line at a time, and documents of aliases.
// Each parser either returns an appspec or throws an AppSpecError whose every problem names a field (a path such as
// `hooks.BeforeInstall[0].timeout`, or the file for the document as a whole) and says what is wrong; never another
// error, never a hang. fast-check picks a new seed each run and prints it with the shrunk input on a failure.
import fc from 'fast-check';
import { parse as parseYaml, stringify } from 'yaml';
import { parseAppSpec, parseEcsAppSpec, parseLambdaAppSpec } from '../../../functions/core/appspec';
import { MAX_ALIAS_READS } from '../../../functions/core/appspec/yaml-reader';
import { AppSpecError } from '../../../functions/core/errors';
import { oneResourceAppSpec } from '../../support/appspec-text';
import { jsonText, type Mutable, mutationOf, weirdString, weirdValue } from '../../support/json-mutations';

const SERVER_APPSPEC = `version: 0.0
os: linux
files:
  - source: /
    destination: /var/www
  - source: config/app.conf
    destination: /etc/app
file_exists_behavior: OVERWRITE
permissions:
  - object: /var/www
    pattern: "*.sh"
    except: [skip.sh]
    owner: www-data
    group: www-data
    mode: 755
    acls: ["u:bob:rw", "d:g:ops:rx"]
    context: {user: unconfined_u, type: httpd_sys_content_t, range: s0}
    type: [file, directory]
hooks:
  BeforeInstall:
    - location: scripts/before_install.sh
      timeout: 300
      runas: deploy
      sudo: true
  ValidateService:
    - location: scripts/validate.sh
      timeout: 1800
`;

const LAMBDA_APPSPEC = oneResourceAppSpec(
  'web',
  'AWS::Lambda::Function',
  ['Name: web', 'Alias: live', 'CurrentVersion: "1"', 'TargetVersion: "2"'],
  ['BeforeAllowTraffic: pre-check', 'AfterAllowTraffic: arn:aws:lambda:us-east-1:123456789012:function:post-check:3'],
);

const ECS_APPSPEC = oneResourceAppSpec(
  'TargetService',
  'AWS::ECS::Service',
  [
    'TaskDefinition: "arn:aws:ecs:us-east-1:111122223333:task-definition/web:7"',
    'LoadBalancerInfo:',
    '  ContainerName: web',
    '  ContainerPort: 80',
    'PlatformVersion: "1.4.0"',
    'NetworkConfiguration:',
    '  AwsvpcConfiguration:',
    '    Subnets: [subnet-1234abcd, subnet-5678abcd]',
    '    SecurityGroups: [sg-12345678]',
    '    AssignPublicIp: DISABLED',
    'CapacityProviderStrategy:',
    '  - {Base: 1, CapacityProvider: FARGATE_SPOT, Weight: 2}',
  ],
  ['BeforeInstall: before-install', 'AfterAllowTestTraffic: test-traffic'],
);

type Parse = (text: string, source?: string) => unknown;

const PARSERS: readonly { readonly name: string; readonly parse: Parse; readonly valid: string; readonly source: string }[] = [
  { name: 'parseAppSpec', parse: parseAppSpec, valid: SERVER_APPSPEC, source: 'appspec.yml' },
  { name: 'parseLambdaAppSpec', parse: parseLambdaAppSpec, valid: LAMBDA_APPSPEC, source: 'appspec.yaml' },
  { name: 'parseEcsAppSpec', parse: parseEcsAppSpec, valid: ECS_APPSPEC, source: 'appspec.yaml' },
];

/** Parses `text`; a refusal must be an AppSpecError whose every problem names a field and says what is wrong. */
function expectParsedOrRefused(parse: Parse, text: string): void {
  let error: unknown;
  try {
    parse(text);
    return;
  } catch (caught) {
    error = caught;
  }
  if (!(error instanceof AppSpecError)) throw new Error(`threw ${String(error)} instead of an AppSpecError`, { cause: error });
  if (error.problems.length === 0) throw new Error('an AppSpecError without problems');
  const lineCount = text.split(/\r\n|\r|\n/).length;
  for (const problem of error.problems) {
    const shown = JSON.stringify(problem);
    if (typeof problem.field !== 'string' || problem.field.trim() === '') throw new Error(`a problem without a field: ${shown}`);
    if (typeof problem.message !== 'string' || problem.message.trim() === '') throw new Error(`a problem without a message: ${shown}`);
    if (problem.message.includes('[object Object]')) throw new Error(`a message showing an object as [object Object]: ${shown}`);
    if (problem.line !== undefined && !(Number.isInteger(problem.line) && problem.line >= 1 && problem.line <= lineCount + 1)) {
      throw new Error(`a problem on a line the text does not have (${lineCount} lines): ${shown}`);
    }
  }
}

/** Raw number literals as the numbers YAML would read them. */
function asYamlValue(doc: Mutable): unknown {
  return JSON.parse(jsonText(doc)) as unknown;
}

/** Changes to the text itself: what a slip of the editor does to a valid file. */
function textMutation(valid: string): fc.Arbitrary<string> {
  const lines = valid.split('\n');
  const line = fc.nat({ max: lines.length - 1 });
  const replaceLine = (index: number, by: readonly string[]) => [...lines.slice(0, index), ...by, ...lines.slice(index + 1)].join('\n');
  return fc.oneof(
    line.map((i) => replaceLine(i, [])),
    line.map((i) => replaceLine(i, [lines[i], lines[i]])),
    fc.tuple(line, fc.integer({ min: -4, max: 4 })).map(([i, shift]) => replaceLine(i, [shift < 0 ? lines[i].slice(-shift) : ' '.repeat(shift) + lines[i]])),
    fc.tuple(line, fc.constantFrom('\t', '---', '- ', ': ', '&a ', '*a', '!!binary ', '!custom ', '? ', '|', '>', '#', '"', "'", '{', '[', '%YAML 1.1', '<<: *a')).map(
      ([i, insert]) => replaceLine(i, [insert + lines[i]]),
    ),
    fc.tuple(fc.nat({ max: valid.length }), weirdString).map(([at, insert]) => valid.slice(0, at) + insert + valid.slice(at)),
    fc.nat({ max: valid.length }).map((at) => valid.slice(0, at)),
    fc.constantFrom(valid.replace(/\n/g, '\r\n'), valid.replace(/\n/g, '\r'), `\uFEFF${valid}`, `${valid}---\n${valid}`, valid.replace(/ {2}/g, '\t')),
  );
}

/** Documents that lean on anchors and aliases: many aliases of one anchor, aliases of aliases, aliases of themselves. */
function aliasDocument(valid: string): fc.Arbitrary<string> {
  const laughs = (levels: number, width: number) => {
    const lines = [`  x0: &l0 [${Array.from({ length: width }, () => 'lol').join(', ')}]`];
    for (let i = 1; i < levels; i += 1) lines.push(`  x${i}: &l${i} [${Array.from({ length: width }, () => `*l${i - 1}`).join(', ')}]`);
    return lines;
  };
  return fc.oneof(
    fc.tuple(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 12 })).map(([levels, width]) => `${valid}Laughs:\n${laughs(levels, width).join('\n')}\n`),
    fc.tuple(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 12 }), fc.constantFrom('hooks', 'Hooks', 'files', 'Resources', 'permissions')).map(
      ([levels, width, key]) => `version: 0.0\nos: linux\n${key}:\n${laughs(levels, width).join('\n')}\n  BeforeInstall: *l${levels - 1}\n`,
    ),
    fc.integer({ min: MAX_ALIAS_READS - 5, max: MAX_ALIAS_READS * 20 }).map(
      (count) => `version: 0.0\nos: linux\nfiles: [&f {source: /, destination: /srv}, ${Array.from({ length: count }, () => '*f').join(', ')}]\n`,
    ),
    fc.integer({ min: 1, max: MAX_ALIAS_READS * 20 }).map((count) => `version: 0.0\nResources: [&r {fn: {Type: AWS::Lambda::Function}}, ${Array.from({ length: count }, () => '*r').join(', ')}]\nHooks: *r\n`),
    fc.constantFrom('a: &a [*a]\n', 'version: &v 0.0\nos: *v\nhooks: &h {BeforeInstall: *h}\n', '*nothing\n', '&a *a\n', 'Resources: &r\n  - *r\n', 'hooks: {? &k BeforeInstall : x, *k : y}\n'),
  );
}

describe.each(PARSERS)('$name', ({ parse, valid, source }) => {
  it('takes the valid appspec every mutation starts from', () => {
    expect(() => parse(valid)).not.toThrow();
  });

  it('parses or refuses random text and bytes, naming a field for every problem', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: 'binary', maxLength: 200 }),
          fc.string({ unit: 'grapheme-ascii', maxLength: 200 }),
          fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes).toString('utf8')),
          fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes).toString('latin1')),
          fc.json(),
          fc.stringMatching(/^[-:{}[\],&*!|>'"%@` #?\n a-zA-Z0-9]{0,120}$/),
        ),
        (text) => expectParsedOrRefused(parse, text),
      ),
      { numRuns: 400 },
    );
  });

  it('parses or refuses random objects written as YAML and as JSON', () => {
    // Keys an appspec has, so random documents also reach the readers of each section.
    const key = fc.oneof(
      fc.constantFrom('version', 'os', 'files', 'permissions', 'hooks', 'Resources', 'Hooks', 'Type', 'Properties', 'Name', 'Alias', 'TaskDefinition', 'LoadBalancerInfo'),
      weirdString,
    );
    const value = fc.letrec<{ node: unknown }>((tie) => ({
      node: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        weirdValue.map((v) => asYamlValue(v)),
        fc.array(tie('node'), { maxLength: 4 }),
        fc.dictionary(key, tie('node'), { maxKeys: 4 }),
      ),
    })).node;
    const document = fc.oneof(fc.dictionary(key, value, { maxKeys: 6 }), value, fc.anything());
    fc.assert(
      fc.property(document, fc.boolean(), (doc, asJson) => {
        // Both write undefined (fc.anything's) as nothing at all.
        const text = (asJson ? JSON.stringify(doc) : (stringify(doc) as string | undefined)) ?? '';
        expectParsedOrRefused(parse, text);
      }),
      { numRuns: 400 },
    );
  });

  it('parses or refuses the valid appspec with one field deleted, retyped, stretched or replaced', () => {
    const base = parseYaml(valid) as Mutable;
    fc.assert(
      fc.property(mutationOf(base), fc.boolean(), (mutation, asJson) => {
        const doc = mutation.doc === undefined ? null : asYamlValue(mutation.doc);
        expectParsedOrRefused(parse, asJson ? jsonText(mutation.doc ?? null) : stringify(doc));
      }),
      { numRuns: 500 },
    );
  });

  it('parses or refuses the valid appspec with one line changed, cut short or padded', () => {
    fc.assert(
      fc.property(textMutation(valid), (text) => expectParsedOrRefused(parse, text)),
      { numRuns: 400 },
    );
  });

  it(`refuses documents built of aliases, reading through at most ${MAX_ALIAS_READS} of them`, () => {
    fc.assert(
      fc.property(aliasDocument(valid), (text) => expectParsedOrRefused(parse, text)),
      { numRuns: 200 },
    );
  });

  it('names the file it was given for problems with the document as a whole', () => {
    fc.assert(
      fc.property(fc.constantFrom('', '[]', '42', '"text"', '---\n---\n', '\t- x'), (text) => {
        let problems: readonly { field: string }[] = [];
        try {
          parse(text, source);
        } catch (error) {
          if (error instanceof AppSpecError) problems = error.problems;
        }
        expect(problems.map((problem) => problem.field)).toContain(source);
      }),
    );
  });
});
