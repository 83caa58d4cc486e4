import type { AuthorizerConfig } from '../config/load-config.ts';

export type AuthorizerVerdict =
  | { allow: true; authorizer: Record<string, unknown> }
  | { allow: false; status: 401 | 403 | 500; reason: string };

/** The identity sources' values, or undefined when one is missing (API Gateway then answers 401 unprompted). */
export function identityPresent(
  authorizer: AuthorizerConfig,
  headers: Record<string, string>,
  url: URL,
): boolean {
  return authorizer.identitySources.every((source) => {
    if (source.in === 'querystring') return Boolean(url.searchParams.get(source.name));
    const wanted = source.name.toLowerCase();
    return Object.entries(headers).some(([name, value]) => name.toLowerCase() === wanted && value !== '');
  });
}

/**
 * Reads a REQUEST authorizer's outcome as API Gateway does: an Allow policy continues with `context` (flat values)
 * and `principalId`; Deny -> 403; throwing "Unauthorized" -> 401; anything else -> 500.
 */
export function verdictOf(outcome: { result?: unknown; error?: unknown }): AuthorizerVerdict {
  if (outcome.error !== undefined) {
    const message = outcome.error instanceof Error ? outcome.error.message : String(outcome.error);
    return message === 'Unauthorized'
      ? { allow: false, status: 401, reason: 'Unauthorized' }
      : { allow: false, status: 500, reason: `authorizer failed: ${message}` };
  }
  const result = outcome.result as { principalId?: unknown; policyDocument?: { Statement?: unknown }; context?: unknown } | undefined;
  const statements = result?.policyDocument?.Statement;
  const list = Array.isArray(statements) ? statements : statements ? [statements] : [];
  const effects = list.map((s: { Effect?: unknown }) => String(s?.Effect ?? '').toLowerCase());
  if (effects.length === 0) return { allow: false, status: 500, reason: 'authorizer returned no policy statement' };
  if (effects.includes('deny') || !effects.includes('allow')) return { allow: false, status: 403, reason: 'Forbidden' };
  const context: Record<string, unknown> = {};
  for (const [key, value] of Object.entries((result?.context as Record<string, unknown>) ?? {})) {
    // API Gateway passes only flat string, number and boolean values through.
    if (['string', 'number', 'boolean'].includes(typeof value)) context[key] = value;
  }
  return { allow: true, authorizer: { ...context, principalId: result?.principalId ?? '' } };
}
