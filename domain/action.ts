import type { BroadcastSummary } from './broadcast.ts';
import type { ChatDeps } from './deps.ts';

/** A client's message after the edge has parsed it: the JSON object's fields, `action` included. */
export interface ActionRequest {
  connectionId: string;
  payload: Readonly<Record<string, unknown>>;
}

/** Handles one action; returns the room delivery it made, if any, for the caller's log line. */
export type ActionHandler = (deps: ChatDeps, request: ActionRequest) => Promise<BroadcastSummary | undefined>;
