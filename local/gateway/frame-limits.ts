import type WebSocket from 'ws';
import * as ws from 'ws';

/**
 * API Gateway closes a connection with 1009 when one frame is over 32 KB, even inside a message under 128 KB
 * (apigateway-execution-service-websocket-limits-table). `ws` only limits whole messages (`maxPayload`, which the
 * gateway also sets, as a backstop), so both checks hook the step where its receiver has read a frame's length
 * (ws 8's `Receiver#haveLength`) and tell the gateway first, so $disconnect sees 1009. `assertFrameLimitSupported` fails the start if a `ws` upgrade ever removes it.
 */
export function limitFrameSize(socket: WebSocket, limits: { frameBytes: number; messageBytes: number }, onTooBig: () => void): void {
  const receiver = (socket as unknown as { _receiver?: Record<string, any> })._receiver;
  if (!receiver || typeof receiver.haveLength !== 'function') throw new Error('ws has no Receiver#haveLength: the 32 KB frame limit cannot be enforced');
  const original = receiver.haveLength as (cb: (error?: Error) => void) => void;
  receiver.haveLength = function haveLength(this: Record<string, any>, cb: (error?: Error) => void) {
    const dataFrame = this._opcode < 0x08;
    if (dataFrame && (this._payloadLength > limits.frameBytes || this._totalPayloadLength + this._payloadLength > limits.messageBytes)) {
      onTooBig();
      return cb(this.createError(RangeError, 'Max frame size exceeded', false, 1009, 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH'));
    }
    return original.call(this, cb);
  };
}

/** Fails at start-up, not silently on the first large frame, when `ws` no longer has the hook point. */
export function assertFrameLimitSupported(): void {
  // `Receiver` is a named export of ws's ESM wrapper, absent from @types/ws.
  const receiver = (ws as unknown as { Receiver?: { prototype: Record<string, unknown> } }).Receiver;
  if (typeof receiver?.prototype.haveLength !== 'function') {
    throw new Error('This version of ws has no Receiver#haveLength: the 32 KB frame limit cannot be enforced; use ws 8');
  }
}
