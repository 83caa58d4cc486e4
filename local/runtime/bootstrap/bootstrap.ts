import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { format } from 'node:util';
import { getHeapStatistics } from 'node:v8';
import { parentPort, workerData } from 'node:worker_threads';
import type { ConnectionsAnswerMessage, EnvironmentMessage, EnvironmentSetup, InvokeRequest, LogLevel } from '../environment-protocol.ts';
import { serializeError } from '../environment-protocol.ts';
import { handlerExport } from './handler-export.ts';
import { invoke } from './invoke.ts';
import type { LambdaHandler } from './invoke.ts';

/*
 * The runtime inside one execution environment, like Lambda's Node.js runtime interface client: loads the handler
 * once (the init phase), then runs the invocations the emulator sends, one at a time, keeping module state between
 * them. It is the only code here besides the user's (and the preload modules).
 */

const port = parentPort!;
const setup = (workerData as { setup: EnvironmentSetup }).setup;
const send = (message: EnvironmentMessage) => port.postMessage(message);
let current: string | undefined;
let peakMb = 0;
// Every invocation this environment serves writes to its one log stream, as on Lambda.
const logStreamName = process.env.AWS_LAMBDA_LOG_STREAM_NAME;

// Handler output goes to the emulator, attributed to the invocation it belongs to (Lambda prefixes request ids too).
for (const level of ['log', 'info', 'warn', 'error', 'debug'] as const satisfies LogLevel[]) {
  console[level] = (...args: unknown[]) => send({ type: 'log', requestId: current, level, message: format(...args), time: new Date().toISOString() });
}

/** The environment's JavaScript memory (this thread's heap and the buffers it holds), as Max Memory Used. */
function memoryMb(): number {
  const heap = getHeapStatistics();
  peakMb = Math.max(peakMb, Math.ceil((heap.total_heap_size + heap.external_memory) / 1_048_576));
  return peakMb;
}

/**
 * The result crosses to the emulator by structured clone, as the value the handler returned: the gateway and the
 * triggers judge it by API Gateway's rules exactly as they do in-process (a JSON round trip would turn
 * `{ statusCode: NaN }`, a malformed response, into `{ statusCode: null }`, which a $connect accepts). Only a value
 * that cannot be cloned (a function, a class with private state) goes as JSON, which is what Lambda would send.
 */
function sendResult(requestId: string, result: unknown, maxMemoryUsedMb: number): void {
  try {
    send({ type: 'result', requestId, result, maxMemoryUsedMb });
  } catch (error) {
    if ((error as Error).name !== 'DataCloneError') throw error;
    const json = JSON.stringify(result);
    send({ type: 'result', requestId, result: json === undefined ? undefined : JSON.parse(json), maxMemoryUsedMb });
  }
}

async function load(): Promise<LambdaHandler> {
  const { file, exportName, declared } = setup.handler;
  const { load } = setup;
  const namespace = (await import(load.kind === 'compiled' ? load.url : pathToFileURL(file).href)) as Record<string, unknown>;
  if (load.kind !== 'compiled') {
    // CommonJS files a handler required never pass tsx's ESM hook: report them from the require cache (a compiled
    // handler's files the emulator knows from its build).
    const required = Object.keys(createRequire(file).cache).filter((path) => !path.includes('/node_modules/'));
    if (required.length > 0) send({ type: 'files', files: required });
  }
  return handlerExport(namespace, exportName, { declared, file });
}

let handler: LambdaHandler | undefined;
try {
  handler = await load();
  memoryMb();
  send({ type: 'ready' });
} catch (error) {
  send({ type: 'init-error', error: serializeError(error) }); // the emulator ends this environment
}

/*
 * One invocation at a time. An invocation sent while another runs (a connection's next frame) waits here and starts
 * the moment the one before has posted its outcome, without a round trip to the emulator in between.
 */
const waiting: InvokeRequest[] = [];
let running = false;

// The port also carries the answers to the handler's relayed @connections calls (intercept/connections-relay.ts).
if (handler) {
  const loaded = handler;
  port.on('message', (message: InvokeRequest | ConnectionsAnswerMessage) => {
    if (message.type !== 'invoke') return;
    if (running) return void waiting.push(message);
    void run(loaded, message);
  });
}

async function run(handler: LambdaHandler, request: InvokeRequest): Promise<void> {
  running = true;
  current = request.requestId;
  const deadline = Date.now() + request.timeoutMs;
  const target = { functionName: setup.functionName, memorySize: setup.memorySize, region: setup.region, awsRequestId: request.requestId, deadline, logStreamName };
  try {
    const result = await invoke(handler, request.event, target);
    sendResult(request.requestId, result, memoryMb());
  } catch (error) {
    send({ type: 'error', requestId: request.requestId, error: serializeError(error), maxMemoryUsedMb: memoryMb() });
  } finally {
    current = undefined;
    running = false;
    const next = waiting.shift();
    if (next) void run(handler, next);
  }
}
