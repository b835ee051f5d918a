import { logger } from './logger.js';

/**
 * A service started by `npm start` has an IPC channel to its supervisor. When the supervisor is
 * gone, however it went (Ctrl-C, SIGTERM, kill -9, the OOM killer), the channel closes and the
 * service stops too instead of running on as an orphan; it exits within 5 s whatever `stop` does.
 */
export function stopWithSupervisor(stop: () => Promise<void>, name: string) {
  if (!process.send) return; // started by hand or by a process manager: nobody to follow
  process.once('disconnect', () => {
    logger.warn({ service: name }, 'the supervisor is gone; stopping');
    setTimeout(() => process.exit(1), 5000).unref();
    void stop();
  });
}
