import express from 'express';
import type { AddressInfo } from 'node:net';
import type { Emulator } from '../emulator.ts';

/** Placeholder page server: replaced by the chat page and inspector. */
export async function startPages(emulator: Emulator, options: { port: number; host: string }): Promise<{ url: string; stop(): Promise<void> }> {
  const app = express();
  app.get('/config.json', (_req, res) => {
    res.json({ wsUrl: emulator.wsUrl, connectionsUrl: emulator.connectionsUrl, stage: emulator.stage });
  });
  const server = app.listen(options.port, options.host);
  await new Promise<void>((resolve, reject) => server.once('listening', resolve).once('error', reject));
  const address = options.host === '0.0.0.0' ? '127.0.0.1' : options.host;
  return {
    url: `http://${address}:${(server.address() as AddressInfo).port}/`,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
