import { afterAll, expect, it } from 'vitest';
import { startGate } from '../../support/gate.ts';
import { startProject } from '../fixture-projects.ts';

const gate = await startGate();
afterAll(() => gate.stop());

it("warms the $connect route's function alone, then the others: the first handshake does not share the cores with them", async () => {
  process.env.WSGATE_WARM_GATE = gate.url;
  const emulator = await startProject('warm-order', { isolation: 'environments', warm: true });
  try {
    await gate.holding(1); // connect's init is under way, held at its fetch
    expect([emulator.environmentsOf('connect'), emulator.environmentsOf('other')]).toEqual([1, 0]);
    gate.release();
    await emulator.warmed();
    expect([emulator.environmentsOf('connect'), emulator.environmentsOf('other')]).toEqual([1, 1]);
  } finally {
    await emulator.stop();
    delete process.env.WSGATE_WARM_GATE;
  }
});
