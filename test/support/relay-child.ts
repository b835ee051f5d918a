/**
 * A relay of sales-pipeline's outbox in a process of its own, so that a test can kill it (SIGKILL)
 * in the middle of a delivery, exactly as a crash would: the operating system closes its
 * connection and PostgreSQL rolls back what it had not committed.
 */
import { connect } from '../../lib/db.js';
import { Relay } from '../../lib/events/relay.js';
import { outbox } from '../../subgraphs/sales-pipeline/events.js';

const database = connect(process.env.DATABASE_URL!, { max: 1 });
const relay = new Relay({
  outbox,
  database,
  targets: { 'order-fulfilment': process.env.RELAY_TARGET! },
  signingSecret: process.env.RELAY_SECRET!,
});
await relay.runOnce();
await database.close();
