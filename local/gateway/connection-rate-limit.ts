/**
 * API Gateway's quota of new connections per second (500 per account and Region by default), as a token bucket that
 * holds one second's worth: a handshake past it is refused with 429
 * (apigateway-execution-service-websocket-limits-table). `Infinity` turns it off.
 */
export class ConnectionRateLimit {
  private tokens: number;
  private refilledAt = performance.now();

  constructor(private readonly perSecond: number) {
    this.tokens = perSecond;
  }

  /** Takes one token; false when the quota for this second is used up. */
  tryAcquire(): boolean {
    if (this.perSecond === Number.POSITIVE_INFINITY) return true;
    const now = performance.now();
    this.tokens = Math.min(this.perSecond, this.tokens + ((now - this.refilledAt) / 1000) * this.perSecond);
    this.refilledAt = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
