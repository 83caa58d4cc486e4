/**
 * Everything that can be wrong with a serverless.yml or the emulator's set-up; the CLI prints `wsgate: <message>` and
 * exits 1. The codes are stable: tests and tools match on them, never on the message.
 */
export type ConfigErrorCode =
  | 'CONFIG_NOT_FOUND'
  | 'CONFIG_SYNTAX'
  | 'CONFIG_INVALID'
  | 'VARIABLE_UNRESOLVED'
  | 'HANDLER_NOT_FOUND'
  | 'EXPORT_NOT_FOUND'
  | 'UNSUPPORTED_RUNTIME'
  | 'NO_WEBSOCKET_FUNCTIONS'
  | 'PORT_UNAVAILABLE';

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    readonly code: ConfigErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
