import type { ActionHandler, ActionRequest } from './action.ts';
import type { BroadcastSummary } from './broadcast.ts';
import type { ChatDeps } from './deps.ts';
import { reply } from './delivery.ts';
import { DomainError, UnknownActionError } from './errors.ts';
import { checkPayload } from './protocol.ts';

export type ActionResult =
  | { outcome: 'ok'; delivery?: BroadcastSummary }
  | { outcome: 'rejected'; error: DomainError };

/**
 * Routes by `action` through a registry, with a `$default` fallback for anything else — the same rule API Gateway
 * applies with `$request.body.action`, so one entry point can serve every route.
 */
export class ActionRouter {
  readonly actions: readonly string[];

  constructor(private readonly routes: Readonly<Record<string, ActionHandler>>) {
    this.actions = Object.keys(routes);
  }

  /** The handler for `action`, or the `$default` one that rejects it as UNKNOWN_ACTION. */
  route(action: unknown): ActionHandler {
    if (typeof action === 'string' && Object.hasOwn(this.routes, action)) return this.routes[action]!;
    return async () => {
      throw new UnknownActionError(typeof action === 'string' ? action : undefined, this.actions);
    };
  }

  /**
   * Checks the payload's shape, then runs the action; a domain error becomes an error frame to the sender (never to
   * anyone else).
   * Other errors propagate: they are faults, not bad input.
   */
  async dispatch(deps: ChatDeps, request: ActionRequest): Promise<ActionResult> {
    try {
      checkPayload(request.payload);
      const delivery = await this.route(request.payload.action)(deps, request);
      return delivery === undefined ? { outcome: 'ok' } : { outcome: 'ok', delivery };
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      // Every frame gets an answer, CONNECTION_UNKNOWN included: the client is still there to read it.
      await reply(deps, request.connectionId, {
        type: 'error',
        code: error.code,
        message: error.message,
        ...(error instanceof UnknownActionError ? { actions: error.actions } : {}),
      });
      return { outcome: 'rejected', error };
    }
  }
}
