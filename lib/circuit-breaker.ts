/** When a breaker opens and for how long (UPSTREAM_BREAKER_FAILURES, UPSTREAM_BREAKER_OPEN_MS). */
export interface BreakerSettings {
  /** Calls in a row without an answer that open the breaker. */
  failures: number;
  /** How long an open breaker refuses calls before it lets one probe through. */
  openMs: number;
}

export type BreakerState = 'CLOSED' | 'OPEN' | 'HALF_OPEN';

/**
 * A circuit breaker for one dependency, in memory (each process judges the services it calls):
 * CLOSED lets calls through and counts failures in a row; OPEN refuses them at once, so a caller
 * fails fast instead of waiting for a timeout; after `openMs` it is HALF_OPEN and lets one probe
 * through at a time: an answer closes it, another failure opens it again.
 */
export class CircuitBreaker {
  private state: BreakerState = 'CLOSED';
  private failuresInARow = 0;
  private openUntil = 0;
  private probing = false;

  constructor(
    private readonly settings: BreakerSettings,
    private readonly onChange: (state: BreakerState) => void = () => {},
    private readonly now: () => number = Date.now,
  ) {}

  get current(): BreakerState {
    return this.state;
  }

  /** Whether a call may go ahead now (in HALF_OPEN, only the one probe). */
  allows(): boolean {
    if (this.state === 'CLOSED') return true;
    if (this.state === 'OPEN') {
      if (this.now() < this.openUntil) return false;
      this.move('HALF_OPEN');
    }
    if (this.probing) return false;
    this.probing = true;
    return true;
  }

  succeeded() {
    this.failuresInARow = 0;
    this.probing = false;
    if (this.state !== 'CLOSED') this.move('CLOSED');
  }

  /** A call that ended without telling either way (its caller gave up): frees the probe, counts nothing. */
  released() {
    this.probing = false;
  }

  failed() {
    this.probing = false;
    this.failuresInARow += 1;
    if (this.state === 'HALF_OPEN' || this.failuresInARow >= this.settings.failures) {
      this.openUntil = this.now() + this.settings.openMs;
      if (this.state !== 'OPEN') this.move('OPEN');
    }
  }

  private move(state: BreakerState) {
    this.state = state;
    this.onChange(state);
  }
}
