import type { FunctionFacts } from '../model/app-model.ts';

export interface EnvironmentFacts {
  region: string;
  /** The app's folder, as LAMBDA_TASK_ROOT (`/var/task` on Lambda: the package's root). */
  taskRoot: string;
  /**
   * The variables the emulator points the SDKs with (endpoints, local credentials). A value the user set in the
   * emulator's own environment wins, so `AWS_ENDPOINT_URL_DYNAMODB=http://localhost:8000 npm start` reaches handlers.
   */
  defaults: Record<string, string>;
  /** The emulator's own environment (the user's shell). */
  host: NodeJS.ProcessEnv;
  /** Variables that beat the function's own (the DynamoDB streams' proxy must see every write). */
  overrides?: Record<string, string>;
}

/** Variables of the host passed on: a function's code may spawn programs or read the locale, as it can on Lambda. */
const PASSED_FROM_HOST = ['PATH', 'LANG', 'TMPDIR', 'NODE_EXTRA_CA_CERTS'] as const;

/**
 * The whole `process.env` of one function's environments: the function's own variables (provider + function) and the
 * ones Lambda sets itself, nothing of other functions. As on Lambda, the reserved variables cannot be overridden.
 * `AWS_LAMBDA_LOG_STREAM_NAME` is each environment's own, added by ExecutionEnvironment.
 */
export function functionEnvironment(fn: FunctionFacts, facts: EnvironmentFacts): Record<string, string> {
  const environment: Record<string, string> = {};
  for (const key of PASSED_FROM_HOST) if (facts.host[key] !== undefined) environment[key] = facts.host[key]!;
  for (const [key, value] of Object.entries(facts.defaults)) environment[key] = facts.host[key] || value;
  Object.assign(environment, fn.environment, facts.overrides);
  Object.assign(environment, {
    AWS_LAMBDA_FUNCTION_NAME: fn.functionName,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memorySize),
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${fn.functionName}`,
    AWS_REGION: facts.region,
    AWS_DEFAULT_REGION: facts.region,
    // The runtime the emulator's Node.js stands in for (the model does not carry each function's `runtime`).
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
    LAMBDA_TASK_ROOT: facts.taskRoot,
    LAMBDA_RUNTIME_DIR: facts.taskRoot,
    _HANDLER: fn.handler.declared,
    TZ: ':UTC',
  });
  return environment;
}
