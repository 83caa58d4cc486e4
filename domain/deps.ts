import type { ClientGateway, Clock, ConnectionRepository } from './ports.ts';
import type { PresencePolicy } from './presence.ts';

/** What every chat service needs; built by a composition root (a Lambda entry file, a test). */
export interface ChatDeps {
  connections: ConnectionRepository;
  gateway: ClientGateway;
  clock: Clock;
  broadcast: { concurrency: number; pageSize: number };
  presence: PresencePolicy;
}
