/**
 * wsgate's public API (`import { startEmulator } from 'wsgate'`): the emulator for test suites and scripts, the helpers
 * tests need, and — as the default export — the Serverless Framework plugin (`plugins: [wsgate]`), because the
 * Framework loads a plugin as a package's default export.
 */
export { startEmulator, EMULATOR_DEFAULTS } from './emulator.ts';
export type {
  Emulator,
  EmulatorEvents,
  EmulatorOptions,
  ConnectionInfo,
  DisconnectRecord,
  InvocationRecord,
  ManagementRecord,
  PostToConnectionOutcome,
} from './emulator.ts';
export type { EmulatorConfig } from './model/app-model.ts';
export { ConfigError } from './model/config-error.ts';
export { connectClient, HandshakeRefusedError } from './testing/test-client.ts';
export type { ConnectClientOptions, TestClient } from './testing/test-client.ts';
export { recordInvocations } from './testing/invocation-recorder.ts';
export type { HandlerLogEntry, InvocationRecorder, RecordedInvocation } from './testing/invocation-recorder.ts';
export { WsgatePlugin as default } from './serverless-plugin/wsgate-plugin.ts';
