import { createHash } from 'node:crypto';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/**
 * The WebSocket API's id: 10 lowercase letters and digits, as API Gateway's ids are, derived from the service, stage
 * and region so that `wss://{apiId}.execute-api.{region}.amazonaws.com` and every URL built on it stay the same across
 * restarts of one project.
 *
 * @example apiIdFor('chat', 'dev', 'us-east-1') // always the same 10 characters
 */
export function apiIdFor(service: string, stage: string, region: string): string {
  const digest = createHash('sha256').update(`${service}\n${stage}\n${region}`).digest();
  return Array.from(digest.subarray(0, 10), (byte) => ALPHABET[byte % ALPHABET.length]).join('');
}

/** `{apiId}.execute-api.{region}.amazonaws.com`: the `domainName` API Gateway puts in every event. */
export function executeApiDomain(apiId: string, region: string): string {
  return `${apiId}.execute-api.${region}.amazonaws.com`;
}
