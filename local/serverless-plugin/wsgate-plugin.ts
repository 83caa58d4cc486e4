import { join } from 'node:path';
import { banner } from '../banner.ts';
import { pluginEmulatorOptions, PLUGIN_FLAGS } from './plugin-options.ts';
import type { PluginFlags } from './plugin-options.ts';

/** The part of the Serverless Framework (v3 / osls) instance the plugin reads. */
interface ServerlessInstance {
  serviceDir: string;
  configurationFilename: string;
  /** The configuration as the Framework resolved it (variables substituted). */
  configurationInput?: Record<string, unknown>;
  service: { custom?: Record<string, unknown>; provider?: { stage?: string } };
}

/**
 * `plugins: [wsgate]` in serverless.yml, then `serverless wsgate` (or `osls wsgate`): the emulator on the Framework's
 * own configuration and `custom.wsgate`, until Ctrl-C. The emulator is loaded only when the command runs, so the
 * plugin costs `serverless deploy` and the Framework's other commands nothing.
 */
export class WsgatePlugin {
  readonly commands = {
    wsgate: {
      usage: 'Runs the wsgate emulator: API Gateway WebSocket + @connections, embedded DynamoDB, chat page and inspector',
      lifecycleEvents: ['start'],
      options: PLUGIN_FLAGS,
    },
  };
  readonly hooks: Record<string, () => Promise<void>>;

  constructor(
    private readonly serverless: ServerlessInstance,
    private readonly flags: PluginFlags = {},
  ) {
    this.hooks = { 'wsgate:start': () => this.start() };
  }

  private async start(): Promise<void> {
    const { given, defaults, prependStage } = pluginEmulatorOptions(this.flags, this.serverless.service.custom, this.serverless.serviceDir);
    const { startEmulator } = await import('../emulator.ts');
    // The configuration as the Framework resolved it (its variable sources, `--param`, `.env`), custom.wsgate included;
    // its file's folder roots the handlers.
    const configPath = join(this.serverless.serviceDir, this.serverless.configurationFilename);
    const emulator = await startEmulator({ ...given, configPath, serverlessConfig: this.serverless.configurationInput }, defaults);
    const wsUrl = prependStage ? emulator.wsUrl : emulator.wsUrl.slice(0, -`/${emulator.stage}`.length);
    console.log(banner(emulator, wsUrl));
    // The command runs until Ctrl-C, as `serverless offline` does; then every connection gets its $disconnect.
    await new Promise<void>((resolve) => {
      process.once('SIGINT', () => resolve());
      process.once('SIGTERM', () => resolve());
    });
    await emulator.stop();
  }
}
