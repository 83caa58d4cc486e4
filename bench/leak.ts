/**
 * Soak: does the emulator give back what a connection cost? `npx tsx bench/leak.ts [cycles] [concurrency]`.
 *
 * Runs our app (serverless.yml) on the emulator with its embedded DynamoDB in a child process (bench/leak-emulator.ts),
 * then `cycles` times (default 5,000, 20 at once): connect -> `whoami` -> its answer -> close, each cycle in a room of its
 * own (20 clients in one room make presence posts; see the report of issue 10 on stalls there). It measures the child's
 * RSS and heap after a full GC, once every $disconnect has run: after a warm-up of 500 cycles (the baseline), after
 * each fifth of the run, and again after 10 s idle. The goal (issue 10): RSS back within 10 MiB of the baseline and
 * flat per-cycle heap growth. Prints a Markdown section and writes it into bench/RESULTS.md between markers.
 * Not a test: nothing here passes or fails.
 */
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import WebSocket from 'ws';

const CYCLES = Number(process.argv[2] ?? 5_000);
const CONCURRENCY = Number(process.argv[3] ?? 20);
const WARM_UP = Number(process.env.LEAK_WARM_UP ?? 500);
const IDLE_MS = 10_000;
const MiB = 1024 * 1024;

interface Memory {
  rss: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
  environments: number;
}

const child: ChildProcess = fork(join(import.meta.dirname, 'leak-emulator.ts'), [], {
  execArgv: ['--import', 'tsx', '--expose-gc'],
  stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
});
const fromChild = <T>(type: string) =>
  new Promise<T>((resolve, reject) => {
    const onMessage = (message: { type: string } & T) => {
      if (message.type !== type) return;
      child.off('message', onMessage);
      child.off('exit', onExit);
      resolve(message);
    };
    const onExit = (code: number | null) => reject(new Error(`the emulator exited with ${code}`));
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
const measure = () => {
  const answer = fromChild<Memory>('memory');
  child.send({ type: 'measure' });
  return answer;
};

/** One cycle: connect, ask whoami, wait for the answer, close, wait for the close. */
function cycle(url: string, n: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`${url}?room=soak-${n % 1000}&name=c${n % 1000}`);
    socket.once('error', reject);
    socket.once('open', () => socket.send(JSON.stringify({ action: 'whoami' })));
    socket.on('message', (data) => {
      if ((JSON.parse(data.toString()) as { type?: string }).type === 'whoami') socket.close(1000);
    });
    socket.once('close', () => resolve());
  });
}

async function run(url: string, count: number, offset: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      await cycle(url, offset + next++);
      if ((offset + next) % 250 === 0) process.stderr.write(`${offset + next} cycles\r`);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
}

const { wsUrl } = await fromChild<{ wsUrl: string }>('ready');
await run(wsUrl, WARM_UP, 0);
const baseline = await measure();
const samples: { cycles: number; memory: Memory; ms: number }[] = [];
const started = performance.now();
const step = Math.ceil(CYCLES / 5);
for (let done = 0; done < CYCLES; ) {
  const count = Math.min(step, CYCLES - done);
  await run(wsUrl, count, WARM_UP + done);
  done += count;
  samples.push({ cycles: done, memory: await measure(), ms: performance.now() - started });
}
await new Promise((resolve) => setTimeout(resolve, IDLE_MS));
const idle = await measure();
child.send({ type: 'stop' });

const last = samples.at(-1)!.memory;
const perCycle = (key: keyof Memory, memory: Memory) => (memory[key] - baseline[key]) / CYCLES;
const mib = (bytes: number) => `${(bytes / MiB).toFixed(1)} MiB`;
const signed = (bytes: number) => `${bytes >= 0 ? '+' : ''}${(bytes / MiB).toFixed(1)} MiB`;
const lines = [
  '<!-- leak:start -->',
  '## Soak: connect -> whoami -> disconnect (our app + embedded DynamoDB)',
  '',
  `Measured ${new Date().toISOString()} by \`npx tsx bench/leak.ts ${CYCLES} ${CONCURRENCY}\`: ${CYCLES} cycles, ${CONCURRENCY} at once, after ${WARM_UP} warm-up cycles;`,
  `the emulator alone in its process (${process.env.LEAK_ISOLATION === 'in-process' ? 'handlers in-process, `LEAK_ISOLATION=in-process`' : 'handlers in execution environments, the default'}), memory read after every $disconnect has run and a full GC of its main thread.`,
  'Each execution environment is a worker thread with its own heap, in the RSS; idle ones are ended after 5 s here (`environmentIdleMs`; 10 minutes by default), before the idle reading.',
  '',
  '| after | cycles/s | environments | RSS | vs baseline | main thread heap used | vs baseline |',
  '|---|---|---|---|---|---|---|',
  `| warm-up (baseline) | | ${baseline.environments} | ${mib(baseline.rss)} | | ${mib(baseline.heapUsed)} | |`,
  ...samples.map((s) => `| ${s.cycles} cycles | ${((s.cycles / s.ms) * 1000).toFixed(0)} | ${s.memory.environments} | ${mib(s.memory.rss)} | ${signed(s.memory.rss - baseline.rss)} | ${mib(s.memory.heapUsed)} | ${signed(s.memory.heapUsed - baseline.heapUsed)} |`),
  `| ${IDLE_MS / 1000} s idle | | ${idle.environments} | ${mib(idle.rss)} | **${signed(idle.rss - baseline.rss)}** | ${mib(idle.heapUsed)} | ${signed(idle.heapUsed - baseline.heapUsed)} |`,
  '',
  `Per cycle over the ${CYCLES}: RSS ${perCycle('rss', last).toFixed(0)} B, heap ${perCycle('heapUsed', last).toFixed(0)} B. Goal: RSS after idle within 10 MiB of the baseline (${idle.rss - baseline.rss <= 10 * MiB ? 'met' : 'not met'}).`,
  '<!-- leak:end -->',
];
const section = lines.join('\n');
console.log(section);
const results = join(import.meta.dirname, 'RESULTS.md');
const current = readFileSync(results, 'utf8');
const marked = /<!-- leak:start -->[\s\S]*<!-- leak:end -->/;
writeFileSync(results, marked.test(current) ? current.replace(marked, section) : `${current.trimEnd()}\n\n${section}\n`);
