/**
 * `npm run bench:startup`: how long the installed command takes to accept its first WebSocket, beside the floors
 * measured in the same run — `node -e ''` (Node's own start) and node + ws (the least any WebSocket server costs).
 * wsgate runs as a user's `npx wsgate` does: `node` on the compiled bin (dist/local/cli.js, built by `npm run build`),
 * no TypeScript loader for the emulator itself, on our app's serverless.yml. Figures go to bench/.tmp/startup.md
 * (untracked) or `--out PATH`; bench/RESULTS.md is the committed record.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';

const root = join(import.meta.dirname, '..');
const { values: flags } = parseArgs({
  options: { out: { type: 'string', default: join(import.meta.dirname, '.tmp', 'startup.md') }, runs: { type: 'string', default: '5' } },
});
const RUNS = Number(flags.runs);
const bin = join(root, 'dist', 'local', 'cli.js');
if (!existsSync(bin)) throw new Error(`${bin} is missing: run \`npm run build\` first`);

/** Spawns `node ARGS`, waits for a ws:// URL on its stdout, and times spawn -> first accepted handshake. */
function untilHandshake(args: string[]): Promise<number> {
  const started = performance.now();
  const child = spawn(process.execPath, args, { cwd: root, env: { ...process.env, LOG_LEVEL: 'silent' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  return new Promise<number>((resolve, reject) => {
    let connecting = false;
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const url = /ws:\/\/127\.0\.0\.1:\d+\S*/.exec(out)?.[0];
      if (!url || connecting) return;
      connecting = true;
      const socket = new WebSocket(url);
      socket.once('open', () => {
        resolve(performance.now() - started);
        socket.close();
        child.kill('SIGINT');
      });
      socket.once('error', reject);
    });
    child.stderr.on('data', () => {}); // the SDK's Node warning on Node 20
    child.once('exit', (code) => reject(new Error(`exited ${code} before a handshake: ${out}`)));
  }).finally(() => new Promise((resolve) => (child.exitCode === null ? child.once('exit', resolve) : resolve(undefined))));
}

function nodeEmpty(): Promise<number> {
  const started = performance.now();
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
  return new Promise((resolve) => child.once('exit', () => resolve(performance.now() - started)));
}

const WS_FLOOR = `const { WebSocketServer } = require(${JSON.stringify(join(root, 'node_modules', 'ws'))});
const server = new WebSocketServer({ port: 0, host: '127.0.0.1' }, () => console.log('ws://127.0.0.1:' + server.address().port));
process.on('SIGINT', () => process.exit(0));`;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const config = join(root, 'serverless.yml');
const wsgateArgs = [bin, '--config', config, '--port', '0', '--http-port', '0', '--no-watch'];

// The first wsgate run is the cold one (file cache aside): no build of a handler recorded yet (as after an install, or
// an edit of every handler), so $connect's is made with esbuild; every later start finds its record (see
// local/runtime/build-record.ts).
const buildCache = join(root, 'node_modules', '.cache', 'wsgate');
for (const name of existsSync(buildCache) ? readdirSync(buildCache) : []) if (name.endsWith('.build.json')) rmSync(join(buildCache, name));
const cold = await untilHandshake(wsgateArgs);
const rows: Record<'node' | 'ws' | 'wsgate', number[]> = { node: [], ws: [], wsgate: [] };
for (let i = 0; i < RUNS; i++) {
  rows.node.push(await nodeEmpty());
  rows.ws.push(await untilHandshake(['-e', WS_FLOOR]));
  rows.wsgate.push(await untilHandshake(wsgateArgs));
}

const ms = (n: number) => `${n.toFixed(0)} ms`;
const line = (label: string, xs: number[]) => `| ${label} | ${ms(median(xs))} | ${ms(Math.min(...xs))} | ${ms(Math.max(...xs))} |`;
const text = [
  '# wsgate start-up',
  '',
  `Measured ${new Date().toISOString()} by \`npm run bench:startup\` on ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}; ${RUNS} runs each, spawn -> first accepted handshake.`,
  '',
  '| command | median | min | max |',
  '|---|---|---|---|',
  line("`node -e ''` (floor: Node's start, to exit)", rows.node),
  line('node + ws: a bare `WebSocketServer` (floor)', rows.ws),
  line('`node dist/local/cli.js` (the installed `wsgate` bin) on our serverless.yml: embedded DynamoDB, tables, handlers, pages', rows.wsgate),
  '',
  `The first wsgate run (cold: no handler build recorded, so $connect's is made first): **${ms(cold)}**; the median above (target ≤ 400 ms) is of starts that find the last build.`,
  '',
];
mkdirSync(dirname(flags.out!), { recursive: true });
writeFileSync(flags.out!, text.join('\n'));
console.log(text.join('\n'));
