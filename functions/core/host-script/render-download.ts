// Renders DownloadBundle: fetch the revision to bundle.tar (whatever its format), check its sha256, unpack it into a
// fresh deployment-archive.
import { ValidationError } from '../errors';
import type { BundleFetch } from '../../ports';
import { hostPaths } from './host-paths';
import { renderPrelude, type ScriptContext } from './prelude';
import { EXIT_CODES, markerPayload } from './protocol';
import { checkedFormat, type Fail, renderExtract } from './render-extract';
import { shellQuote } from './shell-quote';

export interface DownloadInput {
  readonly kind: 'download';
  readonly context: ScriptContext;
  readonly bundle: BundleFetch;
}

const SHA256 = /^[0-9a-fA-F]{64}$/;

export function renderDownload(input: DownloadInput): string {
  const { context, bundle } = input;
  const paths = hostPaths(context.deploymentGroupId, context.deploymentId);
  const expectedSha = checkedSha256(bundle);
  const format = checkedFormat(bundle.format);
  const fail: Fail = (message) =>
    `cutover_end ${EXIT_CODES.UnknownError} ${shellQuote(markerPayload('UnknownError', { message }))}`;
  const lines = [
    renderPrelude('DownloadBundle', context),
    `d="$ROOT"${shellQuote(paths.deploymentDir)}`,
    `b="$ROOT"${shellQuote(paths.bundleFile)}`,
    `a="$ROOT"${shellQuote(paths.archiveDir)}`,
    `mkdir -p "$d" || ${fail('Could not create the deployment directory')}`,
    renderFetch(bundle, fail),
  ];
  if (expectedSha !== undefined) {
    // sha256sum's first field is hex only, so the actual digest can follow the encoded text in the marker as is.
    const mismatch = markerPayload('UnknownError', {
      message: `The bundle's sha256 checksum does not match: expected ${expectedSha}, got `,
    });
    lines.push(
      'h=$(sha256sum <"$b") || h=',
      'h=${h%% *}',
      `[ "$h" = ${shellQuote(expectedSha)} ] || cutover_end ${EXIT_CODES.UnknownError} ${shellQuote(mismatch)}"$h"`,
    );
  }
  lines.push(
    ...renderExtract(format, fail),
    `cutover_end 0 ${shellQuote(markerPayload('Succeeded'))}`,
    '',
  );
  return lines.join('\n');
}

function renderFetch(bundle: BundleFetch, fail: Fail): string {
  if (bundle.kind === 'file') {
    if (!bundle.path.startsWith('/')) {
      throw new ValidationError([{ field: 'bundle.path', message: 'must be an absolute path' }]);
    }
    // The path is on the machine running the script (the local runner's store), so it takes no host root.
    return `cp -f -- ${shellQuote(bundle.path)} "$b" || ${fail(`Could not copy the bundle from ${bundle.path}`)}`;
  }
  if (!/^https?:\/\//i.test(bundle.url)) {
    throw new ValidationError([{ field: 'bundle.url', message: 'must be an http or https URL' }]);
  }
  // --proto keeps redirects from reaching file:// or other schemes; --retry covers throttling and 5xx, not 403/404.
  return (
    `curl -fsSL --proto =http,https --retry 5 --retry-delay 2 --retry-connrefused -o "$b" --url ${shellQuote(bundle.url)}` +
    ` || ${fail('Could not download the bundle (curl failed)')}`
  );
}

function checkedSha256(bundle: BundleFetch): string | undefined {
  const sha = bundle.sha256;
  if (sha === undefined || (sha === '' && bundle.kind === 'url')) return undefined;
  if (!SHA256.test(sha)) {
    throw new ValidationError([{ field: 'bundle.sha256', message: 'must be 64 hexadecimal digits' }]);
  }
  return sha.toLowerCase();
}
