// The EC2/on-premises appspec: parsing with CodeDeploy's rules and checking it against a bundle's files.
export { APPSPEC_FILE_NAMES, TOP_LEVEL_KEYS, parseAppSpec, type AppSpecFileName } from './parse-appspec';
export { validateBundleContents } from './validate-bundle';
export { DEFAULT_SCRIPT_TIMEOUT_SECONDS, MAX_EVENT_SECONDS } from './hook-rules';
export { normaliseBundlePath, type BundlePath } from './bundle-paths';
// Lambda and ECS appspecs: YAML or JSON, keys in PascalCase or lower case, as CodeDeploy takes them.
export { DEFAULT_TRAFFIC_APPSPEC_SOURCE } from './traffic-appspec';
export { LAMBDA_HOOK_EVENTS, parseLambdaAppSpec, type LambdaAppSpec, type LambdaHookEvent } from './lambda-appspec';
export {
  ASSIGN_PUBLIC_IP_VALUES,
  ECS_HOOK_EVENTS,
  parseEcsAppSpec,
  type EcsAppSpec,
  type EcsCapacityProviderStrategyItem,
  type EcsHookEvent,
  type EcsNetworkConfiguration,
} from './ecs-appspec';
