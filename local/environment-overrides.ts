import type { EmulatorConfig, FunctionFacts } from './model/app-model.ts';

/**
 * The config with `overrides` set in every function's environment, over what the config declares: on AWS the
 * function's own `environment` beats the shell, so a local value (a test key, a local URL) needs a way in
 * (`custom.wsgate.environment`, `--env KEY=VALUE`).
 */
export function withEnvironmentOverrides(config: EmulatorConfig, overrides: Record<string, string>): EmulatorConfig {
  if (Object.keys(overrides).length === 0) return config;
  const over = <T extends FunctionFacts>(fn: T): T => ({ ...fn, environment: { ...fn.environment, ...overrides } });
  return {
    ...config,
    routes: new Map([...config.routes].map(([key, route]) => [key, { ...over(route), ...(route.authorizer ? { authorizer: over(route.authorizer) } : {}) }])),
    functions: new Map([...config.functions].map(([key, fn]) => [key, over(fn)])),
  };
}
