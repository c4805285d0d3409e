// Renders the POSIX shell scripts hosts run for each lifecycle event, and reads back what they report.
export { shellQuote } from './shell-quote';
export { hostPaths, type HostPaths } from './host-paths';
export type { ScriptContext } from './prelude';
export { renderLifecycleScript, type RenderInput } from './render';
export { resolveFileExistsBehavior } from './render-install';
export { parseHostReport, type ParsedHostReport, unreachableHostReport } from './host-report';
export { EXIT_CODES, LOG_TAIL_BYTES, MARKER_PREFIX } from './protocol';
