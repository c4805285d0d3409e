// What a handler can send to AWS, derived from its code: start at the handler module, follow every function, method
// and value it references (by symbol, through the checker), and where a step touches a port (`deps.hosts.dispatch`,
// `const { store } = deps; store.getBatch`) continue in the adapter aws-dependencies.ts installs for that port
// method only. Building every adapter at cold start does not count as calling them: the wiring function's body is
// not followed, only the constructors it runs.
//
// Over-approximates on purpose (a referenced function counts as called; a branch never taken still counts) and
// fails loudly where it cannot see (an import that does not resolve, an interface call with no implementation).
import * as ts from 'typescript';
import type { PortWiring } from './port-wiring';
import { functionsProgram, isFunctionsSource, where } from './source-program';

/** One `new XxxCommand(…)` (or paginator, or aggregated-client method) the handler can reach. */
export interface SdkCall {
  /** `@aws-sdk/client-ssm`, `@aws-sdk/lib-dynamodb`… */
  readonly sdkPackage: string;
  /** The operation, e.g. `SendCommand`, `Get` (lib-dynamodb). */
  readonly operation: string;
  /** The input may name an object version (S3): reading it needs s3:GetObjectVersion too. */
  readonly versioned: boolean;
  readonly at: string;
}

export interface HandlerCalls {
  readonly portMethods: readonly string[];
  readonly calls: readonly SdkCall[];
  /** Places the derivation could not follow; a derivation with any is incomplete. */
  readonly blindSpots: readonly string[];
  /** Some reached code names a DynamoDB index (`IndexName`): its queries need the index ARN granted too. */
  readonly queriesIndex: boolean;
}

const SDK_PACKAGE = /node_modules\/(@aws-sdk\/[^/]+)\//g;
// Client members that are not operations.
const CLIENT_PLUMBING = new Set(['send', 'destroy', 'config', 'middlewareStack', 'constructor']);
// Packages whose objects may stand behind an interface of ours (`logger: WarnLogger` given the Powertools Logger),
// reviewed to send nothing to AWS; a package that can (Powertools Parameters reads SSM) must never be listed.
export const SENDS_NOTHING_TO_AWS: ReadonlySet<string> = new Set(['@aws-lambda-powertools/logger']);
const PACKAGE_OF_FILE = /node_modules\/((?:@[^/]+\/)?[^/]+)\//g;

export function reachableSdkCalls(handlerFile: string, wiring: PortWiring): HandlerCalls {
  const program = functionsProgram();
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(handlerFile);
  if (source === undefined) throw new Error(`${handlerFile} is not part of the functions/ program`);

  const portMethods = new Set<string>();
  const calls = new Map<string, SdkCall>();
  const blindSpots = new Set<string>();
  let queriesIndex = false;
  const queued = new Set<ts.Node>();
  const queue: ts.Node[] = [];
  const enqueue = (node: ts.Node | undefined): void => {
    if (node !== undefined && !queued.has(node)) {
      queued.add(node);
      queue.push(node);
    }
  };

  for (const statement of source.statements) {
    if (!ts.isImportDeclaration(statement)) enqueue(statement);
  }
  for (const declaration of wiring.coldStart) enqueueClassConstruction(declaration, enqueue);

  const record = (sdkPackage: string, operation: string, versioned: boolean, node: ts.Node): void => {
    const call = { sdkPackage, operation, versioned, at: where(node) };
    calls.set(`${sdkPackage}|${operation}|${versioned}|${call.at}`, call);
  };

  const onIdentifier = (identifier: ts.Identifier): void => {
    const symbol = valueSymbol(identifier, checker);
    if (symbol === 'unresolved') {
      blindSpots.add(`${where(identifier)}: '${identifier.text}' is imported from a module that does not resolve`);
      return;
    }
    for (const declaration of symbol?.declarations ?? []) {
      if (!isFunctionsSource(declaration.getSourceFile()) || declaration === wiring.wiringFunction) continue;
      if (ts.isClassDeclaration(declaration)) enqueueClassConstruction(declaration, enqueue);
      else enqueue(runnablePart(declaration));
    }
  };

  const onMemberAccess = (access: ts.PropertyAccessExpression | ts.ElementAccessExpression): void => {
    const objectType = checker.getNonNullableType(checker.getTypeAtLocation(access.expression));
    const objectSymbol = objectType.getSymbol();
    const port = objectSymbol === undefined ? undefined : wiring.ports.get(objectSymbol);
    const names = memberNames(access, objectType, checker);
    if (port !== undefined) {
      for (const name of names) {
        portMethods.add(`${port}.${name}`);
        const members = wiring.adapterMembers(port, name);
        if ('blindSpot' in members) blindSpots.add(`${where(access)}: ${port}.${name}: ${members.blindSpot}`);
        else members.forEach((member) => enqueue(runnablePart(member)));
      }
      return;
    }
    if (objectSymbol === wiring.dependencies) {
      if (isCalled(access)) names.forEach((name) => enqueue(wiring.installedFunction(name)));
      return;
    }
    const sdkPackage = objectSymbol === undefined ? undefined : sdkPackageOf(objectSymbol);
    if (sdkPackage !== undefined && sdkPackage.startsWith('@aws-sdk/client-') && ts.isPropertyAccessExpression(access)) {
      // Aggregated clients (`new SSM({}).sendCommand(…)`) name the operation as a method.
      const name = access.name.text;
      if (!CLIENT_PLUMBING.has(name) && isCalled(access)) record(sdkPackage, name[0].toUpperCase() + name.slice(1), true, access);
      return;
    }
    if (isCalled(access)) {
      for (const name of names) {
        const implementations = interfaceImplementations(objectType, name, program, checker);
        if (implementations === undefined) continue;
        if (implementations.runnable.length === 0 && !implementations.elsewhereWithoutAwsCalls) {
          blindSpots.add(`${where(access)}: '${name}' is called through an interface nothing under functions/ implements`);
        }
        implementations.runnable.forEach(enqueue);
      }
    }
  };

  const onNew = (expression: ts.NewExpression): void => {
    const symbol = valueSymbol(expression.expression, checker);
    if (symbol === undefined || symbol === 'unresolved') return;
    const sdkPackage = sdkPackageOf(symbol);
    const name = symbol.getName();
    if (sdkPackage !== undefined && name.endsWith('Command') && name !== 'Command') {
      record(sdkPackage, name.slice(0, -'Command'.length), namesVersion(expression.arguments?.[0]), expression);
    }
  };

  const onCall = (call: ts.CallExpression): void => {
    const symbol = valueSymbol(call.expression, checker);
    if (symbol === undefined || symbol === 'unresolved') return;
    const sdkPackage = sdkPackageOf(symbol);
    if (sdkPackage === undefined) return;
    const paginator = /^paginate(\w+)$/.exec(symbol.getName());
    if (paginator !== null) record(sdkPackage, paginator[1], true, call);
    if (symbol.getName().startsWith('waitUntil')) blindSpots.add(`${where(call)}: waiters send calls the derivation does not map`);
  };

  const visit = (node: ts.Node): void => {
    // Types never run: interface members, annotations and imports are not calls.
    if (ts.isImportDeclaration(node) || ts.isTypeNode(node) || ts.isInterfaceDeclaration(node) || ts.isTypeAliasDeclaration(node)) return;
    if (ts.isNewExpression(node)) onNew(node);
    if (ts.isCallExpression(node)) onCall(node);
    if (ts.isPropertyAccessExpression(node) || ts.isElementAccessExpression(node)) onMemberAccess(node);
    if (ts.isIdentifier(node)) onIdentifier(node);
    if ((ts.isPropertyAssignment(node) || ts.isShorthandPropertyAssignment(node)) && node.name.getText() === 'IndexName') queriesIndex = true;
    if (ts.isShorthandPropertyAssignment(node)) {
      const value = checker.getShorthandAssignmentValueSymbol(node);
      for (const declaration of value?.declarations ?? []) {
        if (isFunctionsSource(declaration.getSourceFile())) enqueue(runnablePart(declaration));
      }
    }
    ts.forEachChild(node, visit);
  };

  while (queue.length > 0) {
    const node = queue.pop();
    if (node !== undefined) visit(node);
  }

  return {
    portMethods: [...portMethods].sort(),
    calls: [...calls.values()],
    blindSpots: [...blindSpots].sort(),
    queriesIndex,
  };
}

/** The symbol an expression names, through import aliases; 'unresolved' for an import whose module is missing. */
function valueSymbol(node: ts.Node, checker: ts.TypeChecker): ts.Symbol | 'unresolved' | undefined {
  const symbol = checker.getSymbolAtLocation(node);
  if (symbol === undefined || !(symbol.flags & ts.SymbolFlags.Alias)) return symbol;
  const target = checker.getAliasedSymbol(symbol);
  return target.declarations === undefined || target.declarations.length === 0 ? 'unresolved' : target;
}

/** The part of a declaration that runs when it is used. */
function runnablePart(declaration: ts.Node): ts.Node | undefined {
  // Signatures (interface members, overloads) have nothing to run.
  if (ts.isFunctionLike(declaration)) return 'body' in declaration && declaration.body !== undefined ? declaration : undefined;
  if (ts.isVariableDeclaration(declaration) || ts.isPropertyDeclaration(declaration) || ts.isPropertyAssignment(declaration)) {
    return declaration.initializer;
  }
  if (ts.isBindingElement(declaration)) {
    let parent: ts.Node = declaration;
    while (!ts.isVariableDeclaration(parent) && !ts.isParameter(parent) && parent.parent !== undefined) parent = parent.parent;
    return ts.isVariableDeclaration(parent) ? parent.initializer : undefined;
  }
  return undefined;
}

/** Constructing an object runs its constructor and field initializers (and its base class's). */
function enqueueClassConstruction(declaration: ts.ClassLikeDeclaration, enqueue: (node: ts.Node | undefined) => void): void {
  for (const member of declaration.members) {
    if (ts.isConstructorDeclaration(member)) enqueue(member);
    if (ts.isPropertyDeclaration(member) && !member.modifiers?.some((m) => m.kind === ts.SyntaxKind.StaticKeyword)) enqueue(member.initializer);
  }
  for (const clause of declaration.heritageClauses ?? []) {
    if (clause.token === ts.SyntaxKind.ExtendsKeyword) clause.types.forEach((type) => enqueue(type.expression));
  }
}

/** `a.b` → ['b']; `a[k]` → the string literals k's type allows, or every member when it allows any string. */
function memberNames(access: ts.PropertyAccessExpression | ts.ElementAccessExpression, objectType: ts.Type, checker: ts.TypeChecker): string[] {
  if (ts.isPropertyAccessExpression(access)) return [access.name.text];
  const keyType = checker.getTypeAtLocation(access.argumentExpression);
  const keys = keyType.isUnion() ? keyType.types : [keyType];
  if (keys.every((key) => key.isStringLiteral())) return keys.map((key) => (key as ts.StringLiteralType).value);
  return objectType.getProperties().map((property) => property.getName());
}

function isCalled(access: ts.Expression): boolean {
  let node: ts.Node = access;
  while (ts.isNonNullExpression(node.parent) || ts.isParenthesizedExpression(node.parent)) node = node.parent;
  return ts.isCallExpression(node.parent) && node.parent.expression === node;
}

interface Implementations {
  readonly runnable: readonly ts.Node[];
  /** Some value given for the interface comes from a package listed in SENDS_NOTHING_TO_AWS. */
  readonly elsewhereWithoutAwsCalls: boolean;
}

/**
 * For a call through an interface of our own that is not a port: the same-named members of what implements it under
 * functions/, classes declaring `implements`, object literals typed as it, and object literals a factory of ours turns
 * into it (`route({ … })` returns a Route); and whether a value of a package that sends nothing to AWS is given where
 * it is expected. Undefined when the member is not an interface member of ours (nothing to resolve).
 */
function interfaceImplementations(objectType: ts.Type, name: string, program: ts.Program, checker: ts.TypeChecker): Implementations | undefined {
  const member = objectType.getProperty(name);
  const signature = member?.declarations?.find((d) => ts.isMethodSignature(d) || ts.isPropertySignature(d));
  if (signature === undefined || !isFunctionsSource(signature.getSourceFile())) return undefined;
  const owner = objectType.getSymbol();
  const found: ts.Node[] = [];
  let elsewhereWithoutAwsCalls = false;
  for (const file of program.getSourceFiles()) {
    if (!isFunctionsSource(file)) continue;
    const visit = (node: ts.Node): void => {
      const given = ts.isPropertyAssignment(node) ? node.initializer : ts.isShorthandPropertyAssignment(node) ? node.name : undefined;
      if (given !== undefined && owner !== undefined && checker.getContextualType(given)?.getSymbol() === owner) {
        elsewhereWithoutAwsCalls ||= declaringPackages(checker.getTypeAtLocation(given)).some((name) => SENDS_NOTHING_TO_AWS.has(name));
      }
      const implementer =
        (ts.isClassDeclaration(node) && implementsInterface(node, owner, checker)) ||
        (ts.isObjectLiteralExpression(node) &&
          (checker.getContextualType(node)?.getSymbol() === owner || isFactoryArgument(node, owner, checker)));
      if (implementer) {
        const implementation = checker.getTypeAtLocation(node).getProperty(name)?.valueDeclaration;
        // `{ readProperties }` names a function declared elsewhere: what runs is that declaration.
        const declarations =
          implementation !== undefined && ts.isShorthandPropertyAssignment(implementation)
            ? (checker.getShorthandAssignmentValueSymbol(implementation)?.declarations ?? [])
            : [implementation];
        for (const declaration of declarations) {
          const runnable = declaration === undefined ? undefined : runnablePart(declaration);
          if (runnable !== undefined) found.push(runnable);
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(file);
  }
  return { runnable: found, elsewhereWithoutAwsCalls };
}

/** The packages under node_modules that declare a type (none for our own). */
function declaringPackages(type: ts.Type): string[] {
  return (type.getSymbol()?.declarations ?? []).flatMap((declaration) =>
    [...declaration.getSourceFile().fileName.matchAll(PACKAGE_OF_FILE)].slice(-1).map((match) => match[1]),
  );
}

/** An object literal passed straight to a function under functions/ whose declared result is the interface. */
function isFactoryArgument(literal: ts.ObjectLiteralExpression, owner: ts.Symbol | undefined, checker: ts.TypeChecker): boolean {
  const call = literal.parent;
  if (owner === undefined || !ts.isCallExpression(call) || !call.arguments.includes(literal)) return false;
  const signature = checker.getResolvedSignature(call);
  const declaration = signature?.getDeclaration();
  if (signature === undefined || declaration === undefined || !isFunctionsSource(declaration.getSourceFile())) return false;
  return checker.getReturnTypeOfSignature(signature).getSymbol() === owner;
}

function implementsInterface(declaration: ts.ClassDeclaration, owner: ts.Symbol | undefined, checker: ts.TypeChecker): boolean {
  return (declaration.heritageClauses ?? []).some(
    (clause) =>
      clause.token === ts.SyntaxKind.ImplementsKeyword &&
      clause.types.some((type) => checker.getTypeAtLocation(type).getSymbol() === owner),
  );
}

/** The @aws-sdk package that declares a symbol (the innermost, for a package nested in another's node_modules). */
function sdkPackageOf(symbol: ts.Symbol): string | undefined {
  for (const declaration of symbol.declarations ?? []) {
    const matches = [...declaration.getSourceFile().fileName.matchAll(SDK_PACKAGE)];
    if (matches.length > 0) return matches[matches.length - 1][1];
  }
  return undefined;
}

/** Whether a command input may carry a VersionId: named in the literal, or not a literal we can read. */
function namesVersion(input: ts.Expression | undefined): boolean {
  if (input === undefined) return false;
  if (!ts.isObjectLiteralExpression(input)) return true;
  return input.properties.some(
    (property) => ts.isSpreadAssignment(property) || (property.name !== undefined && (ts.isIdentifier(property.name) || ts.isStringLiteral(property.name)) && property.name.text === 'VersionId'),
  );
}
