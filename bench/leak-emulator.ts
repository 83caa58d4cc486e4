/**
 * The process bench/leak.ts measures: our serverless.yml on the emulator with its embedded DynamoDB, alone in its
 * process (the clients run in the parent, so their memory is not counted). It answers the parent over IPC:
 * `{ type: 'measure' }` -> once every $disconnect has run, a full GC, then `{ rss, heapUsed, external, arrayBuffers }`.
 */
import { join } from 'node:path';
import { startEmulator } from '../local/emulator.ts';
import type { InvocationRecord } from '../local/emulator.ts';

process.env.LOG_LEVEL = 'silent';
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');

const emulator = await startEmulator({
  configPath: join(import.meta.dirname, '..', 'serverless.yml'),
  port: 0,
  httpPort: 0,
  log: false,
  watch: false,
  connectionsPerSecond: Number.POSITIVE_INFINITY,
  // Idle environments end after 5 s here, not 10 minutes: the reading after the parent's 10 s idle shows whether what
  // the extra environments took comes back when they end (each keeps its own heap while it lives).
  environmentIdleMs: 5_000,
  // LEAK_ISOLATION=in-process: the handlers in this process, to tell the emulator's own memory from its environments'.
  ...(process.env.LEAK_ISOLATION === 'in-process' ? { isolation: 'in-process' as const } : {}),
});
/** Execution environments running now, all functions: each is a worker thread with its own heap, counted in the RSS. */
const environments = () => [...emulator.config.functions.keys()].reduce((sum, key) => sum + emulator.environmentsOf(key), 0);

// Every close is followed by its $disconnect; a measurement waits for the last one, so no work is in flight.
let closed = 0;
let disconnected = 0;
let settled: (() => void) | undefined;
emulator.events.on('disconnect', () => (closed += 1));
let failures = 0;
emulator.events.on('invocation', (record: InvocationRecord) => {
  if (record.error !== undefined && failures++ < 5) console.error(`wsgate leak bench: ${record.routeKey} failed: ${record.error}`);
  if (record.eventType !== 'DISCONNECT') return;
  disconnected += 1;
  if (disconnected === closed && emulator.listConnections().length === 0) settled?.();
});
const idle = () =>
  new Promise<void>((resolve) => {
    settled = resolve;
    if (disconnected === closed && emulator.listConnections().length === 0) resolve();
  });

process.once('disconnect', () => process.exit(1)); // the parent is gone: so is the point of running
process.on('message', async (message: { type: string }) => {
  if (message.type === 'stop') {
    await emulator.stop();
    process.exit(0);
  }
  if (message.type !== 'measure') return;
  await idle();
  // Two passes: the first frees what finalizers release for the second.
  gc();
  await new Promise((resolve) => setImmediate(resolve));
  gc();
  const { rss, heapUsed, external, arrayBuffers } = process.memoryUsage();
  process.send!({ type: 'memory', rss, heapUsed, external, arrayBuffers, connections: emulator.listConnections().length, environments: environments(), failures });
});
process.send!({ type: 'ready', wsUrl: emulator.wsUrl });
