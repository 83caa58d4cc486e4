import { availableParallelism } from 'node:os';

/**
 * How much of the machine's cores this process (the emulator and every environment's thread) used since the last
 * reading, 0 to 1, read at most every `minIntervalMs` (between readings the last figure stands). The pools ask it
 * before starting another environment: when the cores are already full, another environment only adds its own init and
 * JIT warm-up to the work, and the invocations it would take finish sooner in the environments running.
 */
export class CpuLoad {
  private readonly cores = availableParallelism();
  private at = performance.now();
  private used = cpuMicros();
  private last = 0;

  constructor(private readonly minIntervalMs = 50) {}

  read(): number {
    const now = performance.now();
    if (now - this.at < this.minIntervalMs) return this.last;
    const used = cpuMicros();
    this.last = Math.min(1, (used - this.used) / 1000 / ((now - this.at) * this.cores));
    this.at = now;
    this.used = used;
    return this.last;
  }
}

function cpuMicros(): number {
  const { user, system } = process.cpuUsage();
  return user + system;
}
