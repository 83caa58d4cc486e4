/**
 * The messages between the emulator and one execution environment (a worker thread running bootstrap.ts).
 * Plain data only: they cross the thread boundary by structured clone.
 */
import type { RelayedAnswer, RelayedCall, RelaySettings } from './intercept/relayed-call.ts';

/**
 * How an environment loads its handler file: `native`, as Node would (JavaScript); `compiled`, the emulator's build of
 * it (TypeScript bundled with the project's own modules, see HandlerBundler), whose `files` an edit to retires it;
 * `tsx`, through tsx's loader registered in the environment (TypeScript that a bundle would change).
 */
export type HandlerLoad = { kind: 'native' } | { kind: 'compiled'; url: string; files: string[] } | { kind: 'tsx' };

/** What the environment is started with (`workerData`). */
export interface EnvironmentSetup {
  handler: { declared: string; file: string; exportName: string };
  load: HandlerLoad;
  /**
   * The environment's own code (the preload modules, then bootstrap.ts) as one JavaScript module, when the emulator
   * runs from its TypeScript sources; the published package's compiled bootstrap needs none.
   */
  runtime?: string;
  functionName: string;
  memorySize: number;
  region: string;
  /**
   * Modules imported in the environment, in order, after the TypeScript loader and before the handler: the hook point
   * for code that must run first inside every function (request interception of AWS hostnames, issue 9).
   * Absolute paths or file: URLs.
   */
  preload: string[];
  /** The project's tsconfig.json (nearest the config): tsx, when it loads the handler, resolves `paths` with it. */
  tsconfig?: string;
  /**
   * The handler's @connections calls go over the thread's port, not TCP (connections-relay.ts, from the interception
   * preload): set when the emulator answers them (`EnvironmentHooks.connections`).
   */
  connectionsRelay?: RelaySettings;
}

export interface SerializedError {
  name: string;
  message: string;
  stack?: string;
  code?: string;
}

export type LogLevel = 'log' | 'info' | 'warn' | 'error' | 'debug';

export interface InvokeRequest {
  type: 'invoke';
  requestId: string;
  event: unknown;
  /**
   * The function's timeout: `context.getRemainingTimeInMillis()` counts down from the invocation's own start, which
   * for one sent while another runs (a connection's next frame, see ExecutionEnvironment.follow) is later than its sending.
   */
  timeoutMs: number;
}

export type EnvironmentMessage =
  /** The handler is loaded: the environment takes invocations from now on. */
  | { type: 'ready' }
  /** Loading the handler failed (an import-time throw, a syntax error, no such export). The environment is over. */
  | { type: 'init-error'; error: SerializedError }
  /** Files the handler imported (outside node_modules), reported as they load: edits to them retire the environment. */
  | { type: 'files'; files: string[] }
  | { type: 'log'; requestId?: string; level: LogLevel; message: string; time: string }
  | { type: 'result'; requestId: string; result: unknown; maxMemoryUsedMb: number }
  | { type: 'error'; requestId: string; error: SerializedError; maxMemoryUsedMb: number }
  /** A @connections call the handler made, relayed (see EnvironmentSetup.connectionsRelay); answered by `id`. */
  | { type: 'connections-call'; id: number; call: RelayedCall };

/** The emulator's answer to a relayed @connections call; none: the call is dropped (its connection reset), as on TCP. */
export interface ConnectionsAnswerMessage {
  type: 'connections-answer';
  id: number;
  answer?: RelayedAnswer;
}

export function serializeError(error: unknown): SerializedError {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return { name: error.name, message: error.message, ...(error.stack ? { stack: error.stack } : {}), ...(typeof code === 'string' ? { code } : {}) };
  }
  return { name: 'Error', message: typeof error === 'string' ? error : JSON.stringify(error) ?? String(error) };
}
