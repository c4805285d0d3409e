// Which code answers a port method on AWS. Steps only know the StepDependencies interfaces (functions/ports.ts);
// functions/aws/aws-dependencies.ts decides which adapter stands behind each, so that file, read by the checker, is
// the map. Adapters still being wired can be named ahead in a table (see PendingAdapter).
import * as path from 'node:path';
import * as ts from 'typescript';
import { FUNCTIONS_DIR, functionsProgram, isFunctionsSource, PROJECT_ROOT } from './source-program';

const PORTS_FILE = path.join(FUNCTIONS_DIR, 'ports.ts');
const WIRING_FILE = path.join(FUNCTIONS_DIR, 'aws', 'aws-dependencies.ts');

/** An adapter class that will stand behind a port once aws-dependencies.ts installs it. */
export interface PendingAdapter {
  readonly className: string;
  /** Relative to the repository root. */
  readonly file: string;
}

export interface PortWiring {
  /** Port interface (e.g. HostRunner) → its StepDependencies property (e.g. `hosts`). */
  readonly ports: ReadonlyMap<ts.Symbol, string>;
  /** The function that builds the adapters: constructing one is not calling it, so its body is not followed. */
  readonly wiringFunction: ts.Node;
  /** Classes the wiring function instantiates: their constructors run at every cold start. */
  readonly coldStart: readonly ts.ClassDeclaration[];
  /** StepDependencies itself: calling one of its function members (`deps.clock()`) runs what the wiring installs. */
  readonly dependencies: ts.Symbol;
  /** What runs for `port.method` (none when no adapter is installed), or why the derivation cannot tell. */
  adapterMembers(port: string, method: string): readonly ts.Node[] | { readonly blindSpot: string };
  /** The function installed for a non-port member of StepDependencies, e.g. `clock`. */
  installedFunction(name: string): ts.Node | undefined;
  /** Where each port's adapter comes from, e.g. `hosts: SsmHostRunner`, for messages and the wiring check. */
  readonly adapterNames: ReadonlyMap<string, string>;
}

/**
 * Reads the port interfaces from StepDependencies and the adapters from the object aws-dependencies.ts builds. A port
 * in `pending` uses the named class until aws-dependencies.ts installs a class for it; installing a different class
 * is an error, so the table can never silently describe code that is not deployed.
 */
export function readPortWiring(pending: Readonly<Record<string, PendingAdapter>> = {}): PortWiring {
  const program = functionsProgram();
  const checker = program.getTypeChecker();
  const { ports, dependencies } = portInterfaces(program, checker);
  const { literal, wiringFunction } = stepDependenciesLiteral(program, checker);

  const installed = new Map<string, ts.Expression>();
  for (const property of literal.properties) {
    if (ts.isPropertyAssignment(property) && ts.isIdentifier(property.name)) installed.set(property.name.text, property.initializer);
    else if (ts.isShorthandPropertyAssignment(property)) installed.set(property.name.text, property.name);
  }

  const adapters = new Map<string, ts.Type>();
  const adapterNames = new Map<string, string>();
  const missing = new Map<string, string>();
  for (const port of ports.values()) {
    const expression = installed.get(port);
    const installedClass = expression === undefined ? undefined : instantiatedClass(unwrap(expression, checker), checker);
    const wanted = pending[port];
    if (wanted !== undefined) {
      if (installedClass !== undefined && installedClass.name?.text !== wanted.className) {
        throw new Error(
          `aws-dependencies.ts installs ${installedClass.name?.text} for '${port}', but the pending-adapter table says ` +
            `${wanted.className}: update the table`,
        );
      }
      const declaration = findClass(program, wanted);
      adapterNames.set(port, `${wanted.className} (pending)`);
      if (declaration === undefined) missing.set(port, `${wanted.className} is not in ${wanted.file} yet`);
      else adapters.set(port, checker.getTypeAtLocation(declaration));
    } else if (expression !== undefined) {
      const value = unwrap(expression, checker);
      adapters.set(port, checker.getTypeAtLocation(value));
      adapterNames.set(port, installedClass?.name?.text ?? value.getText());
    }
  }

  return {
    ports,
    wiringFunction,
    coldStart: classesInstantiatedIn(wiringFunction, checker),
    adapterNames,
    dependencies,
    installedFunction(name) {
      const expression = installed.get(name);
      const value = expression === undefined ? undefined : unwrap(expression, checker);
      return value !== undefined && ts.isFunctionLike(value) ? value : undefined;
    },
    adapterMembers(port, method) {
      const absent = missing.get(port);
      if (absent !== undefined) return { blindSpot: `the pending adapter for '${port}' cannot be read: ${absent}` };
      const adapter = adapters.get(port);
      if (adapter === undefined) return [];
      const member = adapter.getProperty(method);
      const runnable = (member?.declarations ?? []).filter(hasBody);
      if (runnable.length === 0) return { blindSpot: `${adapterNames.get(port)} has no body for '${method}' the derivation can follow` };
      return runnable;
    },
  };
}

function portInterfaces(program: ts.Program, checker: ts.TypeChecker): { ports: Map<ts.Symbol, string>; dependencies: ts.Symbol } {
  const file = program.getSourceFile(PORTS_FILE);
  const dependencies = file?.statements.find(
    (statement): statement is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(statement) && statement.name.text === 'StepDependencies',
  );
  const symbol = dependencies === undefined ? undefined : checker.getSymbolAtLocation(dependencies.name);
  if (dependencies === undefined || symbol === undefined) throw new Error('functions/ports.ts has no StepDependencies interface');
  const ports = new Map<ts.Symbol, string>();
  for (const member of dependencies.members) {
    if (!ts.isPropertySignature(member) || member.type === undefined || !ts.isIdentifier(member.name)) continue;
    const port = checker.getNonNullableType(checker.getTypeFromTypeNode(member.type)).getSymbol();
    const declaredInPorts = port?.declarations?.some((d) => ts.isInterfaceDeclaration(d) && d.getSourceFile() === file) ?? false;
    if (port !== undefined && declaredInPorts) ports.set(port, member.name.text);
  }
  return { ports, dependencies: symbol };
}

/** `const deps: StepDependencies = { … }` in aws-dependencies.ts, and the function around it. */
function stepDependenciesLiteral(program: ts.Program, checker: ts.TypeChecker): { literal: ts.ObjectLiteralExpression; wiringFunction: ts.Node } {
  const file = program.getSourceFile(WIRING_FILE);
  if (file === undefined) throw new Error('functions/aws/aws-dependencies.ts is missing');
  let found: ts.VariableDeclaration | undefined;
  const visit = (node: ts.Node): void => {
    if (
      ts.isVariableDeclaration(node) &&
      node.type !== undefined &&
      node.initializer !== undefined &&
      ts.isObjectLiteralExpression(node.initializer) &&
      checker.getTypeFromTypeNode(node.type).getSymbol()?.getName() === 'StepDependencies'
    ) {
      found = node;
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  if (found === undefined || found.initializer === undefined || !ts.isObjectLiteralExpression(found.initializer)) {
    throw new Error('aws-dependencies.ts no longer builds `const deps: StepDependencies = { … }`: teach port-wiring.ts its new shape');
  }
  let wiringFunction: ts.Node = found;
  while (!ts.isFunctionLike(wiringFunction) && wiringFunction.parent !== undefined) wiringFunction = wiringFunction.parent;
  return { literal: found.initializer, wiringFunction };
}

/** Follows `const x = …` and parentheses, `as` and `satisfies` to the expression that makes the value. */
function unwrap(expression: ts.Expression, checker: ts.TypeChecker): ts.Expression {
  let current = expression;
  for (let depth = 0; depth < 10; depth += 1) {
    if (ts.isParenthesizedExpression(current) || ts.isAsExpression(current) || ts.isSatisfiesExpression(current)) {
      current = current.expression;
      continue;
    }
    if (ts.isIdentifier(current)) {
      const symbol = checker.getSymbolAtLocation(current);
      const declaration = symbol?.valueDeclaration;
      if (declaration !== undefined && ts.isVariableDeclaration(declaration) && declaration.initializer !== undefined) {
        current = declaration.initializer;
        continue;
      }
    }
    return current;
  }
  return current;
}

function instantiatedClass(expression: ts.Expression, checker: ts.TypeChecker): ts.ClassDeclaration | undefined {
  if (!ts.isNewExpression(expression)) return undefined;
  return classDeclarationOf(expression.expression, checker);
}

function classDeclarationOf(expression: ts.Expression, checker: ts.TypeChecker): ts.ClassDeclaration | undefined {
  let symbol = checker.getSymbolAtLocation(expression);
  if (symbol !== undefined && symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
  return symbol?.declarations?.find((d): d is ts.ClassDeclaration => ts.isClassDeclaration(d) && isFunctionsSource(d.getSourceFile()));
}

function classesInstantiatedIn(scope: ts.Node, checker: ts.TypeChecker): ts.ClassDeclaration[] {
  const classes = new Set<ts.ClassDeclaration>();
  const visit = (node: ts.Node): void => {
    if (ts.isNewExpression(node)) {
      const declaration = classDeclarationOf(node.expression, checker);
      if (declaration !== undefined) classes.add(declaration);
    }
    ts.forEachChild(node, visit);
  };
  visit(scope);
  return [...classes];
}

function findClass(program: ts.Program, wanted: PendingAdapter): ts.ClassDeclaration | undefined {
  const file = program.getSourceFiles().find((f) => path.relative(PROJECT_ROOT, f.fileName) === wanted.file);
  return file?.statements.find(
    (statement): statement is ts.ClassDeclaration => ts.isClassDeclaration(statement) && statement.name?.text === wanted.className,
  );
}

function hasBody(declaration: ts.Declaration): boolean {
  if (ts.isMethodDeclaration(declaration) || ts.isGetAccessorDeclaration(declaration)) return declaration.body !== undefined;
  if (ts.isPropertyAssignment(declaration) || ts.isPropertyDeclaration(declaration)) return declaration.initializer !== undefined;
  return false;
}
