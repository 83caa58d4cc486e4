import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { FunctionFacts } from '../../../local/model/app-model.ts';
import type { EnvironmentSetup } from '../../../local/runtime/environment-protocol.ts';
import { FunctionPool, laneTicket } from '../../../local/runtime/function-pool.ts';
import type { PoolSettings } from '../../../local/runtime/function-pool.ts';
import { runtimeModule } from '../../../local/runtime/runtime-module.ts';
import { startGate } from '../../support/gate.ts';

/*
 * How a function's pool grows past one environment per core (issue 10's load: ten environments of one busy function
 * cost twice the CPU per delivery of two). Real environments (worker threads) running a JavaScript handler that holds
 * at a gate until the test releases it; the CPU reading is the one thing stubbed, so "full cores" can be told apart
 * from "room on the cores" on any machine.
 */

const dir = mkdtempSync(join(tmpdir(), 'wsgate-pool-'));
const handlerFile = join(dir, 'handler.mjs');
writeFileSync(
  handlerFile,
  [
    "const id = Math.random().toString(36).slice(2); // one per environment: module state",
    'export const handler = async (event) => {',
    '  if (event.gate) await (await fetch(event.gate)).text();',
    '  if (event.exit) process.exit(1);',
    '  return { id };',
    '};',
    '',
  ].join('\n'),
);

let gate: Awaited<ReturnType<typeof startGate>>;
beforeAll(async () => void (gate = await startGate()));
afterAll(async () => {
  await gate.stop();
  rmSync(dir, { recursive: true, force: true });
});

const pools: FunctionPool[] = [];
afterEach(async () => {
  gate.release();
  await Promise.all(pools.splice(0).map((pool) => pool.close()));
});

/** A pool of the handler above; `cpu` answers the load reading and counts how often it was asked. */
function poolOf(settings: Partial<PoolSettings>, cpu: { load: number; reads: number; onRead?: () => void }): FunctionPool {
  const setup = async (): Promise<EnvironmentSetup> => {
    const runtime = await runtimeModule([]);
    return { handler: { declared: 'handler.handler', file: handlerFile, exportName: 'handler' }, load: { kind: 'native' }, ...(runtime ? { runtime } : {}), functionName: 'pool-test', memorySize: 256, region: 'eu-west-1', preload: [] };
  };
  const pool = new FunctionPool({ functionName: 'pool-test', functionKey: 'pool' } as FunctionFacts, {
    setup,
    environment: { PATH: process.env.PATH ?? '' },
    maxEnvironments: 10,
    idleMs: 60_000,
    keepOne: false,
    eagerEnvironments: 1,
    scaleUpDelayMs: 5,
    roomBelow: 0.5,
    maxQueueMs: 600_000,
    cpuLoad: () => {
      cpu.reads += 1;
      cpu.onRead?.();
      return cpu.load;
    },
    hooks: { files() {}, log() {}, initFailed() {}, crashed() {} },
    ...settings,
  });
  pools.push(pool);
  return pool;
}

const run = async (pool: FunctionPool, event: Record<string, unknown>) => {
  const outcome = await pool.invoke(crypto.randomUUID(), event, 30_000, () => {});
  if (outcome.error) throw outcome.error;
  return outcome.result as { id: string };
};

/** Resolves once the pool has read the CPU `times` more times: it has looked again and again, and decided each time. */
const reads = (cpu: { reads: number; onRead?: () => void }, times: number) =>
  new Promise<void>((resolve) => {
    const until = cpu.reads + times;
    cpu.onRead = () => cpu.reads >= until && resolve();
  });

describe('FunctionPool past one environment per core', () => {
  it('on full cores, an invocation waits for the busy environment instead of starting another', async () => {
    const cpu = { load: 1, reads: 0 };
    const pool = poolOf({}, cpu);
    const { id: warm } = await run(pool, {}); // one environment, idle now
    const first = run(pool, { gate: gate.url });
    await gate.holding(1);
    const looked = reads(cpu, 3);
    const second = run(pool, { gate: gate.url });
    await looked; // three looks at the CPU, each "full": still one environment
    expect(pool.size).toBe(1);
    gate.release();
    expect((await first).id).toBe(warm);
    await gate.holding(1); // the second runs now, in the same environment
    gate.release();
    expect((await second).id).toBe(warm);
    expect(pool.size).toBe(1);
  });

  it('with room on the cores, a waiting invocation gets an environment of its own after the delay', async () => {
    const cpu = { load: 0.1, reads: 0 };
    const pool = poolOf({}, cpu);
    const { id: warm } = await run(pool, {});
    const first = run(pool, { gate: gate.url });
    await gate.holding(1);
    const second = run(pool, { gate: gate.url });
    await gate.holding(2); // both held at once: two environments
    expect(pool.size).toBe(2);
    gate.release();
    const ids = [(await first).id, (await second).id];
    expect(ids[0]).toBe(warm);
    expect(ids[1]).not.toBe(warm);
  });

  it('on full cores, an invocation that has waited maxQueueMs still gets one (it may wait on something else)', async () => {
    const cpu = { load: 1, reads: 0 };
    const pool = poolOf({ maxQueueMs: 100 }, cpu);
    await run(pool, {});
    const first = run(pool, { gate: gate.url });
    await gate.holding(1);
    const second = run(pool, { gate: gate.url });
    await gate.holding(2);
    expect(pool.size).toBe(2);
    gate.release();
    expect((await first).id).not.toBe((await second).id);
  });

  it('up to eagerEnvironments, starts one for each waiting invocation whatever the load', async () => {
    const cpu = { load: 1, reads: 0 };
    const pool = poolOf({ eagerEnvironments: 3 }, cpu);
    const running = [1, 2, 3].map(() => run(pool, { gate: gate.url }));
    await gate.holding(3);
    expect(pool.size).toBe(3);
    expect(cpu.reads).toBe(0); // never asked: below the eager count the load does not matter
    gate.release();
    expect(new Set((await Promise.all(running)).map((result) => result.id)).size).toBe(3);
  });
});

describe('FunctionPool in a lane (a connection\'s frames in order)', () => {
  const never = new Promise<void>(() => {});

  it('runs the next invocation in the environment of the one before, as soon as that one returns, without waiting for `after`', async () => {
    const pool = poolOf({}, { load: 1, reads: 0 });
    const order: string[] = [];
    const first = laneTicket();
    const a = pool.invoke(crypto.randomUUID(), { gate: gate.url }, 30_000, () => order.push('a began'), { ticket: first, after: Promise.resolve() });
    await gate.holding(1);
    const b = pool.invoke(crypto.randomUUID(), {}, 30_000, (coldStart) => order.push(`b began${coldStart ? ' cold' : ''}`), { ticket: laneTicket(), previous: first, after: never });
    void a.then(() => order.push('a done'));
    void b.then(() => order.push('b done'));
    gate.release();
    const [ranA, ranB] = await Promise.all([a, b]);
    expect((ranB.result as { id: string }).id).toBe((ranA.result as { id: string }).id);
    expect(ranB.coldStart).toBe(false);
    expect(order).toEqual(['a began', 'b began', 'a done', 'b done']);
    expect(pool.size).toBe(1);
  });

  it('when the one before ends its environment (process.exit), runs the next in a new one once `after` resolves', async () => {
    const pool = poolOf({}, { load: 1, reads: 0 });
    const { id: warm } = await run(pool, {});
    const first = laneTicket();
    const a = pool.invoke(crypto.randomUUID(), { gate: gate.url, exit: true }, 30_000, () => {}, { ticket: first, after: Promise.resolve() });
    await gate.holding(1);
    let proceed!: () => void;
    const after = new Promise<void>((resolve) => (proceed = resolve));
    let began = false;
    const b = pool.invoke(crypto.randomUUID(), {}, 30_000, () => (began = true), { ticket: laneTicket(), previous: first, after });
    gate.release();
    expect((await a).error?.message).toMatch(/the runtime exited with status 1/);
    expect(began).toBe(false);
    proceed();
    const ranB = await b;
    expect(ranB.error).toBeUndefined();
    expect(ranB.coldStart).toBe(true);
    expect((ranB.result as { id: string }).id).not.toBe(warm);
  });
});
