/**
 * The runtime's benchmark: `npm run bench:runtime` (also run by `npm run bench`). Execution environments in worker
 * threads (`isolation: 'environments'`, the default) against the in-process runtime (`isolation: 'in-process'`),
 * both measured in this run: the same machine, the same moment. Each echo run is a fresh process of its own, the two
 * runtimes alternately: run after run in one process, the in-process runtime kept the JIT's work on the SDK and the
 * handler from the runs before (its modules stay loaded), while each run's environment starts a new thread with none,
 * which put the later pairs' ratios 0.5× or more above the first's. Also where one cold start goes.
 * Writes bench/.tmp/runtime.md (or `--out FILE`); bench/RESULTS.md is updated by hand from such runs.
 * Not a test: nothing here passes or fails.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import WebSocket from 'ws';
import { DynamoDbConnectionRepository } from '../infrastructure/dynamodb/dynamodb-connection-repository.ts';
import { ExecutionEnvironment } from '../local/runtime/execution-environment.ts';
import type { EnvironmentSetup } from '../local/runtime/environment-protocol.ts';
import { HandlerBundler } from '../local/runtime/handler-bundler.ts';
import { runtimeModule } from '../local/runtime/runtime-module.ts';
import { INTERCEPT_PRELOAD } from '../local/runtime/intercept/preload-path.ts';

const root = join(import.meta.dirname, '..');
const ECHO_ROUNDS = Number(process.env.BENCH_ECHO_ROUNDS ?? 2000);
/**
 * Rounds before the measured ones: early (the JIT still compiling the SDK's path) and settled (as an emulator some
 * minutes into a session, where a warm environment serves invocations until it has been idle for ten minutes).
 */
const EARLY_WARMUP = 50;
const SETTLED_WARMUP = Number(process.env.BENCH_ECHO_WARMUP ?? 6000);
const REPEAT = Number(process.env.BENCH_REPEAT ?? 5);
const BROADCAST_CLIENTS = Number(process.env.BENCH_CLIENTS ?? 1000);
const appConfig = join(root, 'serverless.yml');
const echoConfig = join(import.meta.dirname, 'fixtures', 'echo', 'serverless.yml');

type Start = (options: Record<string, unknown>) => Promise<any>;
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
const ms = (n: number) => `${n.toFixed(3)} ms`;
const mb = (bytes: number) => `${(bytes / 1_048_576).toFixed(1)} MB`;

/** Both runtimes of the same emulator: `isolation: 'environments'` (worker threads) and `'in-process'`, the reference. */
async function starter(which: 'workers' | 'reference'): Promise<Start> {
  const { startEmulator } = (await import(join(root, 'local', 'emulator.ts'))) as { startEmulator: Start };
  return (options) => startEmulator({ ...options, isolation: which === 'workers' ? 'environments' : 'in-process' });
}

function open(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    socket.once('open', () => resolve(socket));
    socket.once('error', reject);
  });
}

interface EchoRun {
  times: number[];
  cpuPerRoundMs: number;
}

/** Sequential round trips after `warmup` rounds; also the process's CPU time per round (all threads). */
async function roundTrips(socket: WebSocket, rounds: number, warmup: number): Promise<EchoRun> {
  const times: number[] = [];
  let cpu = process.cpuUsage();
  for (let i = 0; i < rounds + warmup; i++) {
    if (i === warmup) cpu = process.cpuUsage();
    const payload = `ping-${i}`;
    const started = performance.now();
    await new Promise<void>((resolve) => {
      const onMessage = (data: WebSocket.RawData) => {
        if (data.toString() !== payload) return;
        socket.off('message', onMessage);
        resolve();
      };
      socket.on('message', onMessage);
      socket.send(payload);
    });
    if (i >= warmup) times.push(performance.now() - started);
  }
  const used = process.cpuUsage(cpu);
  return { times: times.sort((a, b) => a - b), cpuPerRoundMs: (used.user + used.system) / 1000 / rounds };
}

/** One echo run in a fresh process (`echoHere`): its round trips, sorted, and CPU per round. */
function echo(which: 'workers' | 'reference', warmup: number): Promise<EchoRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', import.meta.filename, 'echo', which, String(warmup)], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.once('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as EchoRun) : reject(new Error(`echo child exited ${code}`))));
  });
}

async function echoHere(which: 'workers' | 'reference', warmup: number): Promise<void> {
  const emulator = await (await starter(which))({ configPath: echoConfig, port: 0, log: false, watch: false });
  await emulator.warmed?.();
  const socket = await open(emulator.wsUrl);
  const result = await roundTrips(socket, ECHO_ROUNDS, warmup);
  socket.close();
  await emulator.stop();
  process.stdout.write(JSON.stringify(result));
  process.exit(0);
}

/** The hop alone: a Lambda event to a worker thread and a result back, by postMessage (what each invocation adds). */
async function hop(rounds = 20_000): Promise<number[]> {
  const worker = new Worker('require("node:worker_threads").parentPort.on("message", (m) => require("node:worker_threads").parentPort.postMessage({ type: "result", requestId: m.requestId, result: { statusCode: 200 } }))', { eval: true });
  const event = JSON.parse(readFileSync(join(root, 'test', 'fixtures', 'events', 'message.json'), 'utf8')) as unknown;
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const started = performance.now();
    await new Promise<void>((resolve) => {
      worker.once('message', () => resolve());
      worker.postMessage({ type: 'invoke', requestId: String(i), event, timeoutMs: 3_000 });
    });
    times.push(performance.now() - started);
  }
  await worker.terminate();
  return times.sort((a, b) => a - b);
}

/** `npm start`'s command until a client's handshake completes. */
async function cliStart(flags: string[]): Promise<number> {
  const started = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'local', 'cli.ts'), '--config', appConfig, '--port', '0', '--http-port', '0', ...flags], { cwd: root, stdio: ['ignore', 'pipe', 'ignore'] });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const match = /ws:\/\/127\.0\.0\.1:\d+\S*/.exec(out);
      if (match) resolve(match[0]);
    });
    child.once('exit', (code) => reject(new Error(`cli exited ${code}: ${out}`)));
  });
  const socket = await open(url);
  const elapsed = performance.now() - started;
  socket.close();
  child.kill('SIGINT');
  await new Promise((resolve) => child.once('exit', resolve));
  return elapsed;
}

/** In a child process of its own, so nothing of the other measurements is counted: RSS after a start, and warmed. */
function memoryOf(which: 'workers' | 'reference', config: string, warm: boolean): Promise<{ rss: number; heap: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--expose-gc', import.meta.filename, 'memory', which, config, String(warm)], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.once('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as { rss: number; heap: number }) : reject(new Error(`memory child exited ${code}`))));
  });
}

async function measureMemoryHere(which: 'workers' | 'reference', config: string, warm: boolean): Promise<void> {
  const start = await starter(which);
  const emulator = await start({ configPath: config, port: 0, log: false, watch: false, warm });
  await emulator.warmed?.();
  globalThis.gc?.();
  await new Promise((resolve) => setTimeout(resolve, 500)); // let the heaps settle after the start (a benchmark, not a test)
  globalThis.gc?.();
  const { rss, heapUsed } = process.memoryUsage();
  process.stdout.write(JSON.stringify({ rss, heap: heapUsed }));
  await emulator.stop();
  process.exit(0);
}

async function broadcast(start: Start) {
  const emulator = await start({ configPath: appConfig, port: 0, log: false, watch: false });
  await emulator.warmed?.();
  const table = [...emulator.config.routes.values()][0].environment.CONNECTIONS_TABLE as string;
  const repository = new DynamoDbConnectionRepository(DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: emulator.dynamodbEndpoint, region: emulator.config.region })), table);
  const sockets: WebSocket[] = [];
  for (let i = 0; i < BROADCAST_CLIENTS; i += 50) {
    const batch = Array.from({ length: Math.min(50, BROADCAST_CLIENTS - i) }, (_, j) => open(`${emulator.wsUrl}?room=solo-${i + j}&name=c${i + j}`));
    sockets.push(...(await Promise.all(batch)));
  }
  for (const { connectionId } of emulator.listConnections()) await repository.join(connectionId, 'bench', { maxRooms: 20 });
  const received: number[] = [];
  const started = performance.now();
  const all = Promise.all(
    sockets.map(
      (socket) =>
        new Promise<void>((resolve) => {
          const onMessage = (data: WebSocket.RawData) => {
            const frame = JSON.parse(data.toString()) as { type: string; data?: string };
            if (frame.type !== 'message' || frame.data !== 'to everyone') return;
            received.push(performance.now() - started);
            socket.off('message', onMessage);
            resolve();
          };
          socket.on('message', onMessage);
        }),
    ),
  );
  sockets[0]!.send(JSON.stringify({ action: 'sendmessage', room: 'bench', data: 'to everyone' }));
  // The handler runs under its function's timeout: in an environment, a timeout really stops it, so not every client
  // may get the message. Wait as long as that timeout, then count.
  await Promise.race([all, new Promise((resolve) => setTimeout(resolve, 35_000))]);
  // Out of the shared room first: each $disconnect tells the room's remaining members, and with 1,000 members closing
  // at once that is ~500,000 posts to gone connections (the app keeps members younger than 30 s, see
  // domain/delivery.ts), which on 2 cores takes the environments many minutes to work through.
  for (const { connectionId } of emulator.listConnections()) await repository.leave(connectionId, 'bench');
  for (const socket of sockets) socket.terminate();
  await emulator.stop();
  return { last: received.sort((a, b) => a - b).at(-1) ?? Number.NaN, received: received.length };
}

/**
 * One cold start, step by step: each row is a fresh environment (median of 5, one at a time) that loads one thing
 * more than the row above, so the differences are what each step costs.
 */
async function coldStartSteps(): Promise<[string, number][]> {
  const dir = join(import.meta.dirname, '.tmp');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'cold-plain.mjs'), 'export const handler = async () => ({ statusCode: 200 });\n');
  writeFileSync(join(dir, 'cold-plain.ts'), 'export const handler = async (): Promise<{ statusCode: number }> => ({ statusCode: 200 });\n');
  const echoHandler = join(import.meta.dirname, 'fixtures', 'echo', 'handler.ts');
  const env = { PATH: process.env.PATH ?? '', AWS_REGION: 'eu-west-1', AWS_ENDPOINT_URL_APIGATEWAYMANAGEMENTAPI: 'http://127.0.0.1:9/dev', AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:9' };
  const bare = async () => {
    const started = performance.now();
    const worker = new Worker('require("node:worker_threads").parentPort.postMessage(1)', { eval: true, execArgv: [] });
    await new Promise((resolve) => worker.once('message', resolve));
    const elapsed = performance.now() - started;
    await worker.terminate();
    return elapsed;
  };
  const bundler = new HandlerBundler();
  const environment = (file: string, exportName: string, preload: string[], tsx = false) => async () => {
    bundler.changed(file); // every start builds the handler again, as a cold start after an edit does
    const setup = async (): Promise<EnvironmentSetup> => {
      const [load, runtime] = await Promise.all([tsx ? ({ kind: 'tsx' } as const) : bundler.load(file), runtimeModule(preload)]);
      return { handler: { declared: 'bench', file, exportName }, load, ...(runtime ? { runtime } : {}), functionName: 'bench', memorySize: 1024, region: 'eu-west-1', preload };
    };
    const e = new ExecutionEnvironment(setup(), env, { files() {}, log() {}, ended() {} });
    await e.ready;
    await e.end();
    return e.initDurationMs!;
  };
  const steps: [string, () => Promise<number>][] = [
    ['a worker thread, nothing loaded', bare],
    ['+ the bootstrap, a JavaScript handler (imported as it is)', environment(join(dir, 'cold-plain.mjs'), 'handler', [])],
    ['+ a TypeScript handler (built by the emulator with esbuild, then imported)', environment(join(dir, 'cold-plain.ts'), 'handler', [])],
    ['  the same through tsx registered in the environment (the fallback, and what every TypeScript handler paid before)', environment(join(dir, 'cold-plain.ts'), 'handler', [], true)],
    ['+ the interception preload', environment(join(dir, 'cold-plain.ts'), 'handler', [INTERCEPT_PRELOAD])],
    ['+ SDK v3 (the echo handler: @aws-sdk/client-apigatewaymanagementapi)', environment(echoHandler, 'echo', [INTERCEPT_PRELOAD])],
    ['  the same through tsx', environment(echoHandler, 'echo', [INTERCEPT_PRELOAD], true)],
  ];
  const rows: [string, number][] = [];
  for (const [name, run] of steps) {
    const times: number[] = [];
    for (let i = 0; i < 5; i++) times.push(await run());
    rows.push([name, times.sort((a, b) => a - b)[2]!]);
  }
  return rows;
}

process.env.AWS_ACCESS_KEY_ID ??= 'bench';
process.env.AWS_SECRET_ACCESS_KEY ??= 'bench';
if (process.argv[2] === 'echo') await echoHere(process.argv[3] as 'workers' | 'reference', Number(process.argv[4]));
if (process.argv[2] === 'memory') {
  await measureMemoryHere(process.argv[3] as 'workers' | 'reference', process.argv[4]!, process.argv[5] === 'true');
}
const [workers, reference] = [await starter('workers'), await starter('reference')];
const { values: flags } = parseArgs({ options: { out: { type: 'string', default: join(import.meta.dirname, '.tmp', 'runtime.md') } } });
const coldSteps = await coldStartSteps();
/** The init a row adds to: the row above an indented row (an alternative to it), else the last row that is not indented. */
const previousStep = (i: number) => {
  let j = i - 1;
  if (!coldSteps[i]![0].startsWith(' ')) while (j > 0 && coldSteps[j]![0].startsWith(' ')) j -= 1;
  return coldSteps[j]![1];
};
const hops = await hop();
// Alternately, REPEAT times each, and the median run of each is reported: one run of either is at the mercy of whatever
// else the machine does in those seconds, and a ratio of two single runs can land either side of 1.
const median = <T>(runs: T[], by: (run: T) => number): T => [...runs].sort((a, b) => by(a) - by(b))[Math.floor(runs.length / 2)]!;
/** REPEAT pairs of echo runs after `warmup` rounds, and the median run of each side by p50. */
async function echoPairs(warmup: number) {
  const runs: { reference: EchoRun; workers: EchoRun }[] = [];
  for (let i = 0; i < REPEAT; i++) runs.push({ reference: await echo('reference', warmup), workers: await echo('workers', warmup) });
  const byP50 = (run: EchoRun) => percentile(run.times, 50);
  const ratios = pairRatios(runs.map((run) => [byP50(run.reference), byP50(run.workers)]));
  return { reference: median(runs.map((run) => run.reference), byP50), workers: median(runs.map((run) => run.workers), byP50), ratios };
}
const pairRatios = (pairs: [number, number][]) => pairs.map(([reference, worker]) => `${(worker / reference).toFixed(2)}×`).join(', ');
const { reference: echoReference, workers: echoWorkers, ratios: echoRatios } = await echoPairs(SETTLED_WARMUP);
const { reference: earlyReference, workers: earlyWorkers, ratios: earlyRatios } = await echoPairs(EARLY_WARMUP);
const cliRuns: { reference: number; workers: number }[] = [];
for (let i = 0; i < REPEAT; i++) cliRuns.push({ reference: await cliStart(['--no-isolate']), workers: await cliStart([]) });
const cliReference = median(cliRuns.map((run) => run.reference), (n) => n);
const cliWorkers = median(cliRuns.map((run) => run.workers), (n) => n);
const memory = {
  coldEcho: await memoryOf('workers', echoConfig, false),
  warmEcho: await memoryOf('workers', echoConfig, true),
  appCold: await memoryOf('workers', appConfig, false),
  appWarm: await memoryOf('workers', appConfig, true),
  appReference: await memoryOf('reference', appConfig, true),
};
const functions = (await (await starter('workers'))({ configPath: appConfig, port: 0, log: false, watch: false, warm: false }).then(async (e: any) => (await e.stop(), e.config.functions.size))) as number;

const p50 = (r: { times: number[] }) => percentile(r.times, 50);
const section = [
  '## Execution environments (`npm run bench:runtime`)',
  '',
  `Measured ${new Date().toISOString()}, Node ${process.version}; the reference is the in-process runtime (\`isolation: 'in-process'\`, \`--no-isolate\`), run in the same moment; each echo run in a fresh process, the two alternately.`,
  '',
  `| figure | in-process (reference) | worker environments | ratio |`,
  `|---|---|---|---|`,
  `| echo p50: frame -> handler -> PostToConnection -> frame, ${ECHO_ROUNDS} rounds after ${SETTLED_WARMUP} (the median of ${REPEAT} runs each) | ${ms(p50(echoReference))} | ${ms(p50(echoWorkers))} | ${(p50(echoWorkers) / p50(echoReference)).toFixed(2)}× (target ≤ 1.25×) |`,
  `| echo p95 | ${ms(percentile(echoReference.times, 95))} | ${ms(percentile(echoWorkers.times, 95))} | ${(percentile(echoWorkers.times, 95) / percentile(echoReference.times, 95)).toFixed(2)}× |`,
  `| CPU per echo (all threads of the process) | ${ms(echoReference.cpuPerRoundMs)} | ${ms(echoWorkers.cpuPerRoundMs)} | ${(echoWorkers.cpuPerRoundMs / echoReference.cpuPerRoundMs).toFixed(2)}× |`,
  `| echo p50 early: ${ECHO_ROUNDS} rounds after only ${EARLY_WARMUP} (the JIT still at work) | ${ms(p50(earlyReference))} | ${ms(p50(earlyWorkers))} | ${(p50(earlyWorkers) / p50(earlyReference)).toFixed(2)}× |`,
  `| CPU per echo, early | ${ms(earlyReference.cpuPerRoundMs)} | ${ms(earlyWorkers.cpuPerRoundMs)} | ${(earlyWorkers.cpuPerRoundMs / earlyReference.cpuPerRoundMs).toFixed(2)}× |`,
  `| \`npm start\` (node --import tsx local/cli.ts, our app) until the first handshake (--no-isolate / default; the median of ${REPEAT} starts each) | ${ms(cliReference)} | ${ms(cliWorkers)} | ${(cliWorkers / cliReference).toFixed(2)}× (target ≤ 1×) |`,
  '',
  `Each pair's ratio, in the order run (reference and environments alternately): echo p50 ${echoRatios}; early ${earlyRatios}; \`npm start\` ${pairRatios(cliRuns.map((run) => [run.reference, run.workers]))}.`,
  '',
  `The hop itself (an event to a worker by postMessage and a result back, ${hops.length} rounds): p50 ${ms(percentile(hops, 50))}, p99 ${ms(percentile(hops, 99))}.`,
  '',
  'Memory (RSS of a process that only started the emulator, after a GC; each in a child process of its own):',
  '',
  `- the echo app, no environment yet: ${mb(memory.coldEcho.rss)}; with its one environment warm: ${mb(memory.warmEcho.rss)} — **one warm environment ≈ ${mb(memory.warmEcho.rss - memory.coldEcho.rss)}**`,
  `- our app (${functions} functions), none warm: ${mb(memory.appCold.rss)}; **every function warm: ${mb(memory.appWarm.rss)}**; the in-process reference with every handler loaded: ${mb(memory.appReference.rss)}`,
  '',
  'Where one cold start goes (Init Duration, median of 5 environments started one at a time; each row loads one thing more):',
  '',
  '| step | init | this step (an indented row: against the row above it) |',
  '|---|---|---|',
  ...coldSteps.map(([name, total], i) => `| ${name} | ${ms(total)} | ${i === 0 ? ms(total) : ms(total - previousStep(i))} |`),
];
mkdirSync(dirname(flags.out!), { recursive: true });
writeFileSync(flags.out!, `${section.join('\n')}\n`);
console.log(section.join('\n'));
if (process.env.BENCH_SKIP_BROADCAST !== '1') {
  const broadcastReference = await broadcast(reference);
  const broadcastWorkers = await broadcast(workers);
  const row = (b: { last: number; received: number }) => `${ms(b.last)} (${b.received} of ${BROADCAST_CLIENTS} got it)`;
  section.push('', `Broadcast: one \`sendmessage\` to a room of ${BROADCAST_CLIENTS} (our app), until the last client has it: in-process ${row(broadcastReference)}; environments ${row(broadcastWorkers)}.`);
  writeFileSync(flags.out!, `${section.join('\n')}\n`);
}
process.exit(0);
