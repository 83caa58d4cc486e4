import type { AuthorizerConfig } from '../model/app-model.ts';

export type AuthorizerVerdict =
  | { allow: true; authorizer: Record<string, string | number | null> }
  | { allow: false; status: 401 | 403 | 500; reason: string };

/** Whether every identity source has a value; when one is missing API Gateway answers 401 without running the authorizer. */
export function identityPresent(authorizer: AuthorizerConfig, headers: Record<string, string>, url: URL): boolean {
  return authorizer.identitySources.every((source) => {
    if (source.in === 'querystring') return Boolean(url.searchParams.get(source.name));
    const wanted = source.name.toLowerCase();
    return Object.entries(headers).some(([name, value]) => name.toLowerCase() === wanted && value !== '');
  });
}

interface Statement {
  Effect?: unknown;
  Resource?: unknown;
}

/**
 * Reads a REQUEST authorizer's outcome as API Gateway does (api-gateway-lambda-authorizer-output):
 * - throwing `Unauthorized` -> 401; any other failure or a malformed answer -> 500;
 * - a Deny statement covering the method ARN, or no Allow covering it -> 403;
 * - Allow -> the `context` passes on with its values stringified ("123", "true"), plus `principalId` and
 *   `integrationLatency`; a nested object or array in `context` is a configuration error (500).
 */
export function verdictOf(outcome: { result?: unknown; error?: unknown }, methodArn: string, latencyMs: number): AuthorizerVerdict {
  if (outcome.error !== undefined) {
    const message = outcome.error instanceof Error ? outcome.error.message : String(outcome.error);
    return message === 'Unauthorized'
      ? { allow: false, status: 401, reason: 'Unauthorized' }
      : { allow: false, status: 500, reason: `the authorizer failed: ${message}` };
  }
  const result = outcome.result as { principalId?: unknown; policyDocument?: { Statement?: unknown }; context?: unknown } | undefined;
  const declared = result?.policyDocument?.Statement;
  const statements = (Array.isArray(declared) ? declared : declared ? [declared] : []) as Statement[];
  if (statements.length === 0) return { allow: false, status: 500, reason: 'the authorizer returned no policyDocument.Statement' };
  const covering = statements.filter((statement) => resources(statement.Resource).some((pattern) => matches(pattern, methodArn)));
  const effects = covering.map((statement) => String(statement.Effect ?? '').toLowerCase());
  if (effects.includes('deny') || !effects.includes('allow')) return { allow: false, status: 403, reason: 'Forbidden' };

  const authorizer: Record<string, string | number | null> = {};
  for (const [key, value] of Object.entries((result?.context as Record<string, unknown> | undefined) ?? {})) {
    if (value === null || value === undefined) authorizer[key] = null;
    else if (typeof value === 'object') {
      return { allow: false, status: 500, reason: `the authorizer's context.${key} is an object or array; only strings, numbers and booleans are allowed` };
    } else authorizer[key] = String(value);
  }
  authorizer.principalId = result?.principalId === undefined ? null : String(result.principalId);
  authorizer.integrationLatency = Math.round(latencyMs);
  return { allow: true, authorizer };
}

function resources(resource: unknown): string[] {
  if (resource === undefined) return ['*'];
  return (Array.isArray(resource) ? resource : [resource]).map(String);
}

/** IAM's wildcards: `*` any run of characters, `?` one character. */
function matches(pattern: string, arn: string): boolean {
  const expression = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replaceAll('*', '.*').replaceAll('?', '.');
  return new RegExp(`^${expression}$`).test(arn);
}
