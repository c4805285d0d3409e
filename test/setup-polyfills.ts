// aws-local-stepfunctions calls Promise.withResolvers, which Node 20 lacks; the CLI loads the same polyfill.
import '../lib/local/polyfills';
