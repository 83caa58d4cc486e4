import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../../../local/emulator.ts';
import { openReceiver, runFuzz } from '../../support/gateway-fuzz.ts';
import { startProject } from '../fixture-projects.ts';

// The fast, seeded run of the fuzz harness; bench/fuzz.ts runs 10,000 cases and more seeds.
const SEED = Number(process.env.FUZZ_SEED ?? 0x5eed);
const CASES = 2_000;

let emulator: Emulator;
beforeAll(async () => {
  emulator = await startProject('behaviour', { connectionsPerSecond: Number.POSITIVE_INFINITY });
});
afterAll(() => emulator.stop());

describe('the gateway under seeded hostile frames', () => {
  it(`answers each of ${CASES} frames as API Gateway does (an answer frame, or a close with its code), and keeps serving (seed ${SEED})`, async () => {
    const checkpoints: string[] = [];
    const { done, mismatches } = await runFuzz(emulator.wsUrl, SEED, CASES, async (count) => {
      const fresh = await openReceiver(emulator.wsUrl);
      fresh.socket.send('{"action":"echo","data":"still serving"}');
      const answer = await fresh.outcome({ kind: 'frame', text: '' });
      checkpoints.push(`${count}: ${answer.kind === 'frame' ? answer.text : JSON.stringify(answer)}`);
      fresh.socket.close();
    });
    expect(mismatches).toEqual([]);
    expect(done).toBe(CASES);
    expect(checkpoints).toEqual(['1000: {"action":"echo","data":"still serving"}', '2000: {"action":"echo","data":"still serving"}']);
  }, 120_000);
});
