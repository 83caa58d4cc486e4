import { describe, expect, it } from 'vitest';
import { awsStyleId, clfTime, randomHex } from '../../../local/gateway/ids.ts';

describe('ids', () => {
  it('gives API Gateway-shaped ids, all different, across many refills of the random pool', () => {
    // 11 bytes each from a 4 KiB pool: 5,000 ids refill it more than ten times, and cross its end unevenly.
    const ids = Array.from({ length: 5_000 }, () => awsStyleId());
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_-]{15}=$/);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('uses every base64 character over many ids (the pool is random, not a repeated block)', () => {
    const seen = new Set(Array.from({ length: 2_000 }, () => awsStyleId()).join(''));
    expect(seen.size).toBe(65); // 64 URL-safe letters and the padding
  });

  it('gives hex of the asked length, different each time', () => {
    const values = Array.from({ length: 1_000 }, () => randomHex(12));
    for (const value of values) expect(value).toMatch(/^[0-9a-f]{24}$/);
    expect(new Set(values).size).toBe(values.length);
  });

  it('writes requestTime as Common Log Format in UTC', () => {
    expect(clfTime(new Date('2024-02-09T18:11:43.123Z'))).toBe('09/Feb/2024:18:11:43 +0000');
  });
});
