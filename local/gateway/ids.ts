import { randomBytes } from 'node:crypto';

/**
 * API Gateway's ids: 16 characters of URL-safe base64 ending in `=` (e.g. `U_vNFdo2IAMCIoA=`). 11 random bytes
 * encode to 15 characters plus one `=` of padding.
 */
export function awsStyleId(): string {
  return randomBytes(11).toString('base64').replaceAll('+', '-').replaceAll('/', '_');
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `requestTime` in Common Log Format, as API Gateway writes it: `09/Feb/2024:18:11:43 +0000`. */
export function clfTime(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(date.getUTCDate())}/${MONTHS[date.getUTCMonth()]}/${date.getUTCFullYear()}:${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`;
}
