import { describe, expect, it } from 'vitest';
import { CircuitBreaker, type BreakerState } from '../../lib/circuit-breaker.js';

describe('circuit breaker', () => {
  const setup = () => {
    let now = 0;
    const changes: BreakerState[] = [];
    const breaker = new CircuitBreaker(
      { failures: 5, openMs: 5000 },
      (s) => changes.push(s),
      () => now,
    );
    return { breaker, changes, advance: (ms: number) => (now += ms) };
  };

  it('opens after 5 failures in a row, fails fast for 5 s, then lets one probe through', () => {
    const { breaker, changes, advance } = setup();
    for (let i = 0; i < 4; i++) {
      expect(breaker.allows()).toBe(true);
      breaker.failed();
    }
    expect(breaker.current).toBe('CLOSED');
    breaker.failed();
    expect(breaker.current).toBe('OPEN');
    expect(breaker.allows()).toBe(false);
    advance(4999);
    expect(breaker.allows()).toBe(false);
    advance(1);
    expect(breaker.allows()).toBe(true); // the probe
    expect(breaker.current).toBe('HALF_OPEN');
    expect(breaker.allows()).toBe(false); // one probe at a time
    breaker.succeeded();
    expect(breaker.current).toBe('CLOSED');
    expect(breaker.allows()).toBe(true);
    expect(changes).toEqual(['OPEN', 'HALF_OPEN', 'CLOSED']);
  });

  it('an answer resets the count; a failed probe opens it again for another 5 s', () => {
    const { breaker, advance } = setup();
    for (let i = 0; i < 4; i++) breaker.failed();
    breaker.succeeded();
    for (let i = 0; i < 4; i++) breaker.failed();
    expect(breaker.current).toBe('CLOSED');
    breaker.failed();
    advance(5000);
    expect(breaker.allows()).toBe(true);
    breaker.failed();
    expect(breaker.current).toBe('OPEN');
    advance(4999);
    expect(breaker.allows()).toBe(false);
  });
});
