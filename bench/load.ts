/**
 * Load benchmark: `npx tsx bench/load.ts`. Runs the same three loads against two references and against wsgate as
 * `npm start` runs it (a child process: the emulator, our app, embedded DynamoDB):
 *
 * 1. fan-out: LOAD_CLIENTS clients in LOAD_ROOMS rooms; in each room LOAD_SENDERS members send LOAD_MESSAGES messages
 *    each; every member must receive every message exactly once, in each sender's order. Deliveries per second.
 * 2. latency: 5 members of one room sending a steady LOAD_RATE messages/s between them; p50/p95 send -> receive.
 * 3. crowd: LOAD_CROWD clients connecting into one room; time until the last handshake completed.
 * Each load gets a fresh server; wsgate's loads start once its CLI reports every function warm (steady state).
 * Targets: a plain `ws` fan-out (the least a fan-out costs), the same fan-out with one SDK v3 PostToConnection per
 * delivery (bench/sdk-floor-server.ts: what the SDK alone costs), and wsgate.
 *
 * LOAD_PROFILE=DIR writes a V8 CPU profile of the emulator process during each wsgate load to DIR (taken through the
 * inspector, so start-up and shutdown stay out of it); `npx tsx bench/profile-summary.ts FILE` says where the time went.
 * The profile is of the emulator's main thread: the handlers (and the AWS SDK they call) run in worker threads by
 * default, so LOAD_CLI_ARGS=--no-isolate (extra CLI flags, space-separated) puts them in the profiled thread too.
 * Writes its section of bench/RESULTS.md (not with LOAD_RESULTS=0: a variant run only prints it). Not a test: nothing
 * passes or fails.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import WebSocket, { WebSocketServer } from 'ws';

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const LOAD = {
  clients: env('LOAD_CLIENTS', 1000),
  rooms: env('LOAD_ROOMS', 10),
  senders: env('LOAD_SENDERS', 20),
  messages: env('LOAD_MESSAGES', 20),
  rate: env('LOAD_RATE', 200),
  latencySeconds: env('LOAD_SECONDS', 5),
  crowd: env('LOAD_CROWD', 1000),
};
const PROFILE_DIR = process.env.LOAD_PROFILE;
const CLI_ARGS = (process.env.LOAD_CLI_ARGS ?? '').split(' ').filter(Boolean);
/** LOAD_ONLY=fan-out,latency,crowd and LOAD_TARGETS=reference,sdk-floor,wsgate narrow a run (for profiling one load). */
const ONLY = new Set((process.env.LOAD_ONLY ?? 'fan-out,latency,crowd').split(','));
const ONLY_TARGETS = new Set((process.env.LOAD_TARGETS ?? 'reference,sdk-floor,wsgate').split(','));
/** API Gateway (and the emulator) refuse new connections past 500/s with 429: stay under it. */
const CONNECTS_PER_SECOND = 400;
const CONNECT_CONCURRENCY = env('LOAD_CONNECT_CONCURRENCY', 20);
const root = join(import.meta.dirname, '..');

interface Target {
  wsUrl: string;
  /** Starts profiling the server process, when it can; resolves a function that stops and saves the profile. */
  profile(label: string): Promise<() => Promise<string | undefined>>;
  /** CPU time the server's process has used so far (every thread, user + system), in ms; undefined when unknown. */
  cpuMs(): number | undefined;
  stop(): Promise<void>;
}

/**
 * A process's CPU time from /proc (Linux): utime + stime, in clock ticks of 10 ms. Wall-clock rates on a shared
 * machine move with everyone else's load; the CPU one delivery costs moves much less, so both are reported.
 */
function processCpuMs(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}

// ---- targets ---------------------------------------------------------------------------------------------------

/** The reference: the least a WebSocket fan-out costs here. Same frames as our app, rooms kept in memory. */
async function startReference(): Promise<Target> {
  const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise((resolve) => server.once('listening', resolve));
  const rooms = new Map<string, Set<WebSocket>>();
  let ids = 0;
  server.on('connection', (socket, request) => {
    const id = `ref-${++ids}`;
    const room = new URL(request.url ?? '/', 'http://x').searchParams.get('room') ?? 'lobby';
    const members = rooms.get(room) ?? rooms.set(room, new Set()).get(room)!;
    members.add(socket);
    socket.on('close', () => members.delete(socket));
    socket.on('message', (data) => {
      const message = JSON.parse(data.toString()) as { room: string; data: string };
      const frame = JSON.stringify({ type: 'message', room: message.room, from: id, name: id, data: message.data, sentAt: new Date().toISOString() });
      for (const member of rooms.get(message.room) ?? []) member.send(frame);
    });
  });
  return {
    wsUrl: `ws://127.0.0.1:${(server.address() as { port: number }).port}`,
    profile: async () => async () => undefined,
    cpuMs: () => undefined, // the reference shares the bench's process with the clients
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/**
 * A server of the bench in a process of its own: `waitFor(pattern)` resolves with the first match in its output (stdout
 * and stderr, as they come, so a line printed after a flood of event lines is still seen) and rejects when the process
 * exits first or after `timeoutMs`; `stop()` kills it. The first 10,000 characters are kept for error messages.
 */
function spawnServer(name: string, args: string[], env: NodeJS.ProcessEnv) {
  const child = spawn(process.execPath, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let kept = '';
  const keep = (chunk: Buffer) => void (kept.length < 10_000 && (kept += chunk));
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  if (process.env.LOAD_DEBUG) child.stdout.pipe(process.stderr);
  return {
    child,
    output: () => kept,
    waitFor: (pattern: RegExp, timeoutMs = 120_000) =>
      new Promise<RegExpExecArray>((resolve, reject) => {
        let tail = kept.slice(-1_000); // a match may straddle two chunks
        const done = (settle: () => void) => {
          child.stdout.off('data', look);
          child.stderr.off('data', look);
          child.off('exit', exited);
          clearTimeout(timer);
          settle();
        };
        const look = (chunk?: Buffer) => {
          if (chunk) tail = (tail + chunk).slice(-10_000);
          const match = pattern.exec(chunk ? tail : kept);
          if (match) done(() => resolve(match));
        };
        const exited = (code: number | null) => done(() => reject(new Error(`${name} exited ${code}: ${kept}`)));
        const timer = setTimeout(() => done(() => reject(new Error(`no ${pattern} from ${name} within ${timeoutMs} ms: ${kept}`))), timeoutMs);
        child.stdout.on('data', look);
        child.stderr.on('data', look);
        child.once('exit', exited);
        look();
      }),
    async stop() {
      child.kill('SIGKILL');
      if (child.exitCode === null) await new Promise((resolve) => child.once('exit', resolve));
    },
  };
}

/**
 * The second reference (bench/sdk-floor-server.ts, a process of its own): the same fan-out with every delivery one SDK
 * v3 PostToConnection to a bare HTTP server, nothing else. What one signed post per delivery costs on this machine, the
 * floor for any emulator whose handlers use the SDK, as they do on AWS.
 */
async function startSdkFloor(): Promise<Target> {
  const server = spawnServer('sdk-floor-server', ['--import', 'tsx', 'bench/sdk-floor-server.ts'], { ...process.env, NODE_NO_WARNINGS: '1' });
  const [, wsUrl] = await server.waitFor(/WebSocket\s+(ws:\/\/\S+)/);
  return { wsUrl: wsUrl!, cpuMs: () => processCpuMs(server.child.pid), profile: async () => async () => undefined, stop: server.stop };
}

/** wsgate exactly as `npm start` runs it, with the inspector open so the bench can profile it. */
async function startWsgate(): Promise<Target> {
  const server = spawnServer('npm start', ['--inspect=127.0.0.1:0', '--import', 'tsx', 'local/cli.ts', '--port', '0', '--http-port', '0', '--no-watch', ...CLI_ARGS], { ...process.env, LOG_LEVEL: 'silent' });
  const [, wsUrl] = await server.waitFor(/WebSocket\s+(ws:\/\/\S+)/);
  // Steady state, not the start: each load begins once the CLI says every function has a warm environment (its
  // background warm-up, a cold start per function, would otherwise share the cores with the first seconds of the load).
  if (!CLI_ARGS.includes('--no-isolate')) await server.waitFor(/warm\s+\d+ of \d+ functions/);
  const inspectorUrl = /Debugger listening on (ws:\/\/\S+)/.exec(server.output())?.[1];
  return {
    wsUrl: wsUrl!,
    cpuMs: () => processCpuMs(server.child.pid),
    async profile(label) {
      if (!PROFILE_DIR || !inspectorUrl) return async () => undefined;
      const inspector = await inspectorSession(inspectorUrl);
      await inspector.call('Profiler.enable');
      await inspector.call('Profiler.setSamplingInterval', { interval: 500 });
      await inspector.call('Profiler.start');
      return async () => {
        const { profile } = (await inspector.call('Profiler.stop')) as { profile: unknown };
        inspector.close();
        mkdirSync(PROFILE_DIR, { recursive: true });
        const file = join(PROFILE_DIR, `${label}-${new Date().toISOString().replace(/[:.]/g, '-')}.cpuprofile`);
        writeFileSync(file, JSON.stringify(profile));
        return file;
      };
    },
    // SIGKILL, not SIGINT: a clean stop would run $disconnect for every client still open, which is not measured.
    stop: server.stop,
  };
}

/** A minimal Chrome DevTools Protocol client over the inspector's WebSocket. */
async function inspectorSession(url: string) {
  const socket = new WebSocket(url);
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  const waiting = new Map<number, (result: unknown) => void>();
  socket.on('message', (data) => {
    const message = JSON.parse(data.toString()) as { id?: number; result?: unknown };
    if (message.id !== undefined) waiting.get(message.id)?.(message.result);
  });
  let ids = 0;
  return {
    call: (method: string, params: object = {}) =>
      new Promise<unknown>((resolve) => {
        const id = ++ids;
        waiting.set(id, resolve);
        socket.send(JSON.stringify({ id, method, params }));
      }),
    close: () => socket.close(),
  };
}

// ---- clients ---------------------------------------------------------------------------------------------------

interface Client {
  socket: WebSocket;
  onMessage(listener: (frame: { type?: string; data?: string; [key: string]: unknown }) => void): void;
}

function open(url: string): Promise<Client> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    const listeners: ((frame: Record<string, unknown>) => void)[] = [];
    socket.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as Record<string, unknown>;
      for (const listener of listeners) listener(frame);
    });
    socket.once('open', () => resolve({ socket, onMessage: (listener) => void listeners.push(listener as never) }));
    socket.once('error', reject);
    socket.once('unexpected-response', (_request, response) => reject(new Error(`handshake refused: ${response.statusCode}`)));
  });
}

/** Opens one client per URL (in order); fails on the first refused handshake. */
async function openPaced(urls: string[]): Promise<Client[]> {
  const settled = await openPacedSettled(urls);
  const refused = settled.find((s) => s.status === 'rejected');
  if (refused) throw (refused as PromiseRejectedResult).reason;
  return settled.map((s) => (s as PromiseFulfilledResult<Client>).value);
}

/**
 * Opens one client per URL, LOAD_CONNECT_CONCURRENCY handshakes at a time (20, as the issue's measurements did) and
 * at most CONNECTS_PER_SECOND a second; every handshake settles, refused or not.
 */
async function openPacedSettled(urls: string[]): Promise<PromiseSettledResult<Client>[]> {
  const results: PromiseSettledResult<Client>[] = [];
  const started = performance.now();
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < urls.length; i = next++) {
      const due = started + (i / CONNECTS_PER_SECOND) * 1000;
      if (performance.now() < due) await new Promise((resolve) => setTimeout(resolve, due - performance.now()));
      results[i] = await open(urls[i]!).then(
        (value) => ({ status: 'fulfilled', value }) as const,
        (reason: unknown) => ({ status: 'rejected', reason }) as const,
      );
    }
  };
  await Promise.all(Array.from({ length: CONNECT_CONCURRENCY }, worker));
  return results;
}

const closeAll = (clients: Client[]) => clients.forEach((c) => c.socket.terminate());
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
const sendMessage = (client: Client, room: string, data: string) => client.socket.send(JSON.stringify({ action: 'sendmessage', room, data }));

// ---- loads -----------------------------------------------------------------------------------------------------

interface FanOut {
  deliveries: number;
  expected: number;
  seconds: number;
  perSecond: number;
  lost: number;
  duplicated: number;
  outOfOrder: number;
  /** The server process's CPU time per delivery (all threads), when known. */
  cpuMsPerDelivery?: number;
  profile?: string;
}

async function fanOut(target: Target, run: string): Promise<FanOut> {
  const perRoom = Math.floor(LOAD.clients / LOAD.rooms);
  const rooms = Array.from({ length: LOAD.rooms }, (_, r) => `${run}-fan-${r}`);
  const clients = await openPaced(rooms.flatMap((room) => Array.from({ length: perRoom }, () => `${target.wsUrl}?room=${room}`)));
  const expectedEach = LOAD.senders * LOAD.messages;
  const expected = expectedEach * clients.length;
  let deliveries = 0;
  let duplicated = 0;
  let outOfOrder = 0;
  const received: number[] = [];
  let lastAt = 0;
  let finish: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  clients.forEach((client, index) => {
    const lastSeq = new Map<string, number>();
    received[index] = 0;
    client.onMessage((frame) => {
      if (frame.type !== 'message') return;
      const [sender, seqText] = frame.data!.split(':') as [string, string];
      const seq = Number(seqText);
      const last = lastSeq.get(sender) ?? -1;
      if (seq <= last) duplicated += 1;
      else if (seq !== last + 1) outOfOrder += 1;
      lastSeq.set(sender, Math.max(seq, last));
      received[index]! += 1;
      deliveries += 1;
      lastAt = performance.now();
      if (deliveries === expected) finish();
    });
  });
  const stopProfile = await target.profile('fan-out');
  const cpuBefore = target.cpuMs();
  const started = performance.now();
  for (let r = 0; r < LOAD.rooms; r++) {
    for (let s = 0; s < LOAD.senders; s++) {
      const sender = clients[r * perRoom + s]!;
      for (let m = 0; m < LOAD.messages; m++) sendMessage(sender, rooms[r]!, `r${r}s${s}:${m}`);
    }
  }
  // Give up when nothing has arrived for 30 s: whatever is missing then is lost.
  await Promise.race([
    done,
    new Promise<void>((resolve) => {
      const check = setInterval(() => {
        if (performance.now() - Math.max(lastAt, started) > 30_000) {
          clearInterval(check);
          resolve();
        }
      }, 1000);
      void done.then(() => clearInterval(check));
    }),
  ]);
  const seconds = ((deliveries === expected ? lastAt : performance.now()) - started) / 1000;
  const cpuAfter = target.cpuMs();
  const cpuMsPerDelivery = cpuBefore !== undefined && cpuAfter !== undefined && deliveries > 0 ? (cpuAfter - cpuBefore) / deliveries : undefined;
  const profile = await stopProfile();
  closeAll(clients);
  const lost = received.reduce((sum, n) => sum + Math.max(0, expectedEach - n), 0);
  return { deliveries, expected, seconds, perSecond: deliveries / seconds, lost, duplicated, outOfOrder, ...(cpuMsPerDelivery !== undefined ? { cpuMsPerDelivery } : {}), ...(profile ? { profile } : {}) };
}

async function latency(target: Target, run: string): Promise<{ sent: number; rate: number; p50: number; p95: number; profile?: string }> {
  const room = `${run}-latency`;
  const members = await openPaced(Array.from({ length: 5 }, () => `${target.wsUrl}?room=${room}`));
  const latencies: number[] = [];
  const total = LOAD.rate * LOAD.latencySeconds;
  let finish: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  for (const member of members) {
    member.onMessage((frame) => {
      if (frame.type !== 'message') return;
      latencies.push(performance.now() - Number(frame.data));
      if (latencies.length === total * members.length) finish();
    });
  }
  const stopProfile = await target.profile('latency');
  const started = performance.now();
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / LOAD.rate;
    if (performance.now() < due) await new Promise((resolve) => setTimeout(resolve, due - performance.now()));
    sendMessage(members[i % members.length]!, room, String(performance.now()));
  }
  const sendSeconds = (performance.now() - started) / 1000;
  await Promise.race([done, new Promise((resolve) => setTimeout(resolve, 60_000))]);
  const profile = await stopProfile();
  closeAll(members);
  latencies.sort((a, b) => a - b);
  return { sent: total, rate: total / sendSeconds, p50: percentile(latencies, 50), p95: percentile(latencies, 95), ...(profile ? { profile } : {}) };
}

/** Every handshake settles (a refusal is counted, by its message, e.g. a 500 when $connect outlived its 29 s). */
async function crowd(target: Target, run: string): Promise<{ clients: number; seconds: number; refused: Record<string, number>; profile?: string }> {
  const stopProfile = await target.profile('crowd');
  const started = performance.now();
  const settled = await openPacedSettled(Array.from({ length: LOAD.crowd }, (_, i) => `${target.wsUrl}?room=${run}-crowd&name=c${i}`));
  const seconds = (performance.now() - started) / 1000;
  const profile = await stopProfile();
  const refused: Record<string, number> = {};
  for (const s of settled) {
    if (s.status === 'fulfilled') s.value.socket.terminate();
    else refused[String((s.reason as Error).message)] = (refused[String((s.reason as Error).message)] ?? 0) + 1;
  }
  return { clients: settled.length - Object.values(refused).reduce((a, b) => a + b, 0), seconds, refused, ...(profile ? { profile } : {}) };
}

// ---- run -------------------------------------------------------------------------------------------------------

interface Result {
  target: string;
  fan?: FanOut;
  lat?: Awaited<ReturnType<typeof latency>>;
  crowd?: Awaited<ReturnType<typeof crowd>>;
}
const results: Result[] = [];
const TARGETS = [
  { key: 'reference', name: 'plain `ws` fan-out (reference)', start: startReference },
  { key: 'sdk-floor', name: '`ws` + one SDK v3 PostToConnection per delivery to a bare HTTP server, one thread (reference: the SDK\'s floor)', start: startSdkFloor },
  { key: 'wsgate', name: 'wsgate (`npm start`: emulator + our app + embedded DynamoDB)', start: startWsgate },
].filter((t) => ONLY_TARGETS.has(t.key));
for (const { name, start } of TARGETS) {
  // Each load gets a fresh server, so one load's leftovers (closing clients, $disconnects) never slow the next.
  const fresh = async <T>(label: string, load: (target: Target, run: string) => Promise<T>): Promise<T | undefined> => {
    if (!ONLY.has(label)) return undefined;
    console.error(`${name}: ${label}…`);
    const target = await start();
    try {
      const result = await load(target, Math.random().toString(36).slice(2, 8));
      console.error(`  ${JSON.stringify(result)}`);
      return result;
    } finally {
      await target.stop();
    }
  };
  results.push({ target: name, fan: await fresh('fan-out', fanOut), lat: await fresh('latency', latency), crowd: await fresh('crowd', crowd) });
}

const f1 = (n: number) => n.toFixed(1);
const section = [
  '<!-- bench/load.ts -->',
  '## Load (`npx tsx bench/load.ts`)',
  '',
  `Measured ${new Date().toISOString()} on ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}; ` +
    `clients in the bench process, wsgate in its own (\`node --import tsx local/cli.ts${CLI_ARGS.length ? ` ${CLI_ARGS.join(' ')}` : ''}\`, \`LOG_LEVEL=silent\` for the app's lines). ` +
    `Connections are opened ${CONNECT_CONCURRENCY} handshakes at a time, at most ${CONNECTS_PER_SECOND}/s (under API Gateway's 500/s quota).`,
  '',
  `| target | fan-out: ${LOAD.clients} clients, ${LOAD.rooms} rooms, ${LOAD.senders} senders × ${LOAD.messages} messages each | lost / duplicated / out of order | latency: 5 members, ${LOAD.rate} msgs/s for ${LOAD.latencySeconds} s, p50 / p95 | ${LOAD.crowd} clients into one room |`,
  '|---|---|---|---|---|',
  ...results.map(
    ({ target, fan, lat, crowd: c }) =>
      `| ${target} | ${fan ? `${fan.deliveries} of ${fan.expected} in ${f1(fan.seconds)} s = **${Math.round(fan.perSecond)} deliveries/s**${fan.cpuMsPerDelivery !== undefined ? ` (${fan.cpuMsPerDelivery.toFixed(3)} ms CPU each)` : ''}` : 'not run'} | ` +
      `${fan ? `${fan.lost} / ${fan.duplicated} / ${fan.outOfOrder}` : ''} | ` +
      `${lat ? `**${f1(lat.p50)} ms** / ${f1(lat.p95)} ms (sent at ${Math.round(lat.rate)}/s)` : 'not run'} | ${c ? `**${f1(c.seconds)} s**${Object.keys(c.refused).length ? ` (${c.clients} in; refused: ${JSON.stringify(c.refused)})` : ''}` : 'not run'} |`,
  ),
  '',
  'Goals: ≥ 5,000 deliveries/s, p50 ≤ 50 ms, 1,000 into one room ≤ 10 s.',
  '<!-- /bench/load.ts -->',
].join('\n');
const resultsFile = join(import.meta.dirname, 'RESULTS.md');
const previous = readFileSync(resultsFile, 'utf8');
const marked = /<!-- bench\/load\.ts -->[\s\S]*<!-- \/bench\/load\.ts -->/;
if (process.env.LOAD_RESULTS !== '0') writeFileSync(resultsFile, marked.test(previous) ? previous.replace(marked, section) : `${previous.trimEnd()}\n\n${section}\n`);
console.log(section);
process.exit(0);
