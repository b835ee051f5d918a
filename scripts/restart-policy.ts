/** How often `npm start` restarts a crashed child before it gives up, and how long it waits between tries. */
export const MAX_RESTARTS_PER_MINUTE = 5;

/**
 * What to do when a child has crashed, given when it was restarted before: restart it after a
 * delay that doubles with each restart of the last minute (0.5 s, 1 s, 2 s, 4 s, 8 s), or give up
 * when it already was restarted MAX_RESTARTS_PER_MINUTE times within the minute.
 */
export function nextRestart(
  restartedAt: readonly number[],
  now: number,
): { giveUp: true } | { giveUp: false; delayMs: number; restartedAt: number[] } {
  const lastMinute = restartedAt.filter((at) => now - at < 60_000);
  if (lastMinute.length >= MAX_RESTARTS_PER_MINUTE) return { giveUp: true };
  return { giveUp: false, delayMs: Math.min(500 * 2 ** lastMinute.length, 8000), restartedAt: [...lastMinute, now] };
}
