// Validates the OpenAPI document on stdin against the official schema of its version and prints the result as JSON.
// A separate process because the validator is ESM-only and the tests run as CommonJS.
import { Validator } from '@seriousme/openapi-schema-validator';

let text = '';
for await (const chunk of process.stdin) text += chunk;
const validator = new Validator();
const result = await validator.validate(JSON.parse(text));
process.stdout.write(JSON.stringify({ valid: result.valid, version: validator.version ?? null, errors: result.errors ?? [] }));
