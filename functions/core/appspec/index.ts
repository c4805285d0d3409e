// The EC2/on-premises appspec: parsing with CodeDeploy's rules and checking it against a bundle's files.
export { APPSPEC_FILE_NAMES, TOP_LEVEL_KEYS, parseAppSpec, type AppSpecFileName } from './parse-appspec';
export { validateBundleContents } from './validate-bundle';
export { DEFAULT_SCRIPT_TIMEOUT_SECONDS, MAX_EVENT_SECONDS } from './hook-rules';
export { normaliseBundlePath, type BundlePath } from './bundle-paths';
