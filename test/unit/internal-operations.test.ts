import { buildSubgraphSchema } from '@apollo/subgraph';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { CREATE_CUSTOMER, LEAD_FIELD_DEFINITIONS } from '../../lib/clients/customer-directory.js';
import { RESERVE_CREDIT } from '../../lib/clients/finance-credit.js';
import { existsQuery } from '../../lib/clients/internal-client.js';
import type { SubgraphName } from '../../lib/config.js';
import { readSdl } from '../../lib/subgraph.js';

// @apollo/subgraph builds its schema with the CommonJS graphql-js: validate with that copy too.
const { parse, validate } = createRequire(import.meta.url)('graphql') as typeof import('graphql');

/** Every operation one subgraph sends another, with the subgraph that must answer it. */
const OPERATIONS: [string, SubgraphName, string][] = [
  ['lead custom field definitions', 'customer', LEAD_FIELD_DEFINITIONS],
  ['customer created from a lead', 'customer', CREATE_CUSTOMER],
  ['which customers exist', 'customer', existsQuery('Customer')],
  ['which products exist', 'order-fulfilment', existsQuery('Product')],
  ['credit reservation', 'finance', RESERVE_CREDIT],
];

describe('operations subgraphs send each other', () => {
  it.each(OPERATIONS)('%s is valid against the %s SDL', (_name, target, operation) => {
    const schema = buildSubgraphSchema(parse(readSdl(target)));
    expect(validate(schema, parse(operation)).map((e) => e.message)).toEqual([]);
  });

  it('a drifted operation is caught', () => {
    const schema = buildSubgraphSchema(parse(readSdl('finance')));
    const drifted = RESERVE_CREDIT.replace('reserved', 'isReserved');
    expect(validate(schema, parse(drifted)).map((e) => e.message)).toEqual([
      'Cannot query field "isReserved" on type "CreditReservation". Did you mean "reserved"?',
    ]);
  });
});
