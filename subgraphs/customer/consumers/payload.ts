import { FieldCheck } from '../../../lib/check.js';
import type { Queryable } from '../../../lib/db.js';
import { failOn, notFound } from '../../../lib/errors.js';
import { customersByIds } from '../db/queries.js';

/**
 * What a handler needs from a payload, checked; a payload that does not check out, or names a
 * customer this tenant does not have, can never apply: a user error, which the inbox turns into a
 * dead letter.
 */
export async function checked<T>(
  tx: Queryable,
  tenantId: string,
  read: (check: FieldCheck) => T & { customerId: string },
): Promise<T & { customerId: string }> {
  const check = new FieldCheck(['payload']);
  const values = read(check);
  check.done();
  if ((await customersByIds(tx, tenantId, [values.customerId])).length === 0) {
    failOn([notFound('Customer', ['payload', 'customerId'])]);
  }
  return values;
}
