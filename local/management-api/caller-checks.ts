import type { IncomingMessage } from 'node:http';
import type { HostCheck } from '../security/allowed-hosts.ts';

/**
 * Who may call @connections: what AWS requires, and what keeps a web page out. On AWS every call is SigV4-signed
 * (IAM `execute-api:ManageConnections`), and a request without an `Authorization` header is refused with 403
 * ForbiddenException "Missing Authentication Token"; the SDKs always sign. The signature is not verified here (the
 * credentials are local ones), but its presence is what stops a web page: a cross-site `text/plain` POST needs no
 * CORS preflight, and cannot carry an `Authorization` header without one. A browser's request is refused outright
 * (it sends `Origin`, or `Sec-Fetch-Site` other than `none`/`same-origin`): no page is served from this origin, so a
 * browser calling @connections is always some other page. Then the Host check against DNS rebinding.
 *
 * @returns why the request is refused, or undefined.
 */
export function callerRefusal(request: Pick<IncomingMessage, 'headers' | 'url'>, checkHost: HostCheck): string | undefined {
  const host = checkHost(request.headers.host);
  if (host !== undefined) return host;
  const site = request.headers['sec-fetch-site'];
  if (request.headers.origin !== undefined || (site !== undefined && site !== 'none' && site !== 'same-origin')) {
    return `Requests from web pages may not call @connections (Origin ${request.headers.origin ?? 'absent'}, Sec-Fetch-Site ${site ?? 'absent'}): sign them with SigV4 from a server, as the SDK does`;
  }
  // A presigned URL (SigV4 in the query string) is signed too.
  if (request.headers.authorization === undefined && !request.url?.includes('X-Amz-Signature=')) return 'Missing Authentication Token';
  return undefined;
}
