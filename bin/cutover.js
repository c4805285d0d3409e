#!/usr/bin/env node
// The `cutover` command: registers tsx so the TypeScript sources run as they are, then hands over to bin/cutover.ts.
// The SDK's notice about its future Node 22 requirement is not something a CLI user can act on.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
require('tsx/cjs');
require('./cutover.ts');
