import { randomFillSync } from 'node:crypto';

/**
 * Random bytes taken from a pool refilled 4 KiB at a time: every frame needs a request id and a message id (and
 * every connection one more), and a `randomBytes` call per id was a native call and a new Buffer each time on the
 * delivery path. Node's own `randomUUID` caches its entropy the same way.
 */
const POOL_BYTES = 4_096;
const pool = Buffer.allocUnsafe(POOL_BYTES);
let offset = POOL_BYTES;

function take(bytes: number): { from: number; to: number } {
  if (offset + bytes > POOL_BYTES) {
    randomFillSync(pool);
    offset = 0;
  }
  const from = offset;
  offset += bytes;
  return { from, to: offset };
}

/**
 * API Gateway's ids: 16 characters of URL-safe base64 ending in `=` (e.g. `U_vNFdo2IAMCIoA=`). 11 random bytes
 * encode to 15 characters plus one `=` of padding.
 */
export function awsStyleId(): string {
  const { from, to } = take(11);
  return pool.toString('base64', from, to).replaceAll('+', '-').replaceAll('/', '_');
}

/** `bytes` random bytes as lowercase hex (X-Amzn-Trace-Id's 24 hex digits are 12 bytes). */
export function randomHex(bytes: number): string {
  const { from, to } = take(bytes);
  return pool.toString('hex', from, to);
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `requestTime` in Common Log Format, as API Gateway writes it: `09/Feb/2024:18:11:43 +0000`. */
export function clfTime(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(date.getUTCDate())}/${MONTHS[date.getUTCMonth()]}/${date.getUTCFullYear()}:${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`;
}
