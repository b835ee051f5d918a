import { describe, expect, it } from 'vitest';
import { nextRestart } from '../../scripts/restart-policy.js';

describe("npm start's restart policy", () => {
  it('restarts a crashed child with a doubling delay, five times a minute at most, then gives up', () => {
    let history: number[] = [];
    const delays: number[] = [];
    for (let i = 0; i < 5; i++) {
      const next = nextRestart(history, 1000 * i);
      if (next.giveUp) throw new Error('gave up too early');
      delays.push(next.delayMs);
      history = next.restartedAt;
    }
    expect(delays).toEqual([500, 1000, 2000, 4000, 8000]);
    expect(nextRestart(history, 5000)).toEqual({ giveUp: true });
    // A minute after the first restart it may be restarted again, with the delay of four in a minute.
    expect(nextRestart(history, 60_000)).toEqual({
      giveUp: false,
      delayMs: 8000,
      restartedAt: [1000, 2000, 3000, 4000, 60_000],
    });
    expect(nextRestart(history, 200_000)).toEqual({ giveUp: false, delayMs: 500, restartedAt: [200_000] });
  });
});
