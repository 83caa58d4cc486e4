/**
 * The long fuzz/soak: `npx tsx bench/fuzz.ts [cases] [seed]` (default 10,000 cases, seed 0x5eed). The same seeded
 * hostile frames as test/local/gateway/fuzz.test.ts (invalid UTF-8, binary, oversize, fragmented, malformed JSON,
 * deep nesting, `__proto__` keys, control frames, raw malformed WebSocket frames) against the `behaviour` fixture,
 * every outcome checked; after each thousand a fresh client must get its echo, and the RSS is printed.
 * Not a test: it prints the mismatches and exits 1 if there were any.
 */
import { join } from 'node:path';
import { startEmulator } from '../local/emulator.ts';
import { openReceiver, runFuzz } from '../test/support/gateway-fuzz.ts';

const CASES = Number(process.argv[2] ?? 10_000);
const SEED = Number(process.argv[3] ?? 0x5eed);

const emulator = await startEmulator({
  configPath: join(import.meta.dirname, '..', 'test', 'fixtures', 'projects', 'behaviour', 'serverless.yml'),
  port: 0,
  log: false,
  watch: false,
  connectionsPerSecond: Number.POSITIVE_INFINITY,
});
const started = performance.now();
const { mismatches } = await runFuzz(emulator.wsUrl, SEED, CASES, async (done) => {
  const fresh = await openReceiver(emulator.wsUrl);
  fresh.socket.send('{"action":"echo","data":"still serving"}');
  const answer = await fresh.outcome({ kind: 'frame', text: '' });
  fresh.socket.close();
  const alive = answer.kind === 'frame' && answer.text === '{"action":"echo","data":"still serving"}';
  console.log(`${done} cases, ${((performance.now() - started) / 1000).toFixed(1)} s: ${alive ? 'serving' : `NOT serving (${JSON.stringify(answer)})`}, RSS ${(process.memoryUsage().rss / 2 ** 20).toFixed(1)} MiB`);
});
await emulator.stop();
console.log(`${CASES} cases, seed ${SEED}: ${mismatches.length} mismatches`);
for (const mismatch of mismatches.slice(0, 50)) console.log(`  ${mismatch}`);
process.exit(mismatches.length === 0 ? 0 : 1);
