import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customerOps, type CustomerOps } from '../support/customer-ops.js';
import { newTenant, startStack, type Stack } from '../support/stack.js';

let stack: Stack;
let ops: CustomerOps;
let token: string;
beforeAll(async () => {
  stack = await startStack();
  token = await stack.token(newTenant());
  ops = customerOps(stack, token);
  for (const def of [
    { entity: 'CUSTOMER', key: 'tier', label: 'Tier', type: 'SELECT', options: ['silver', 'gold'], required: true },
    { entity: 'CUSTOMER', key: 'employees', label: 'Employees', type: 'NUMBER' },
    { entity: 'CUSTOMER', key: 'renewal', label: 'Renewal', type: 'DATE' },
    { entity: 'CUSTOMER', key: 'reseller', label: 'Reseller', type: 'BOOLEAN' },
    { entity: 'CUSTOMER', key: 'notes', label: 'Notes', type: 'TEXT' },
  ]) {
    const { userErrors } = await ops.defineCustomField(def);
    expect(userErrors).toEqual([]);
  }
});
afterAll(() => stack?.close());

describe('custom fields', () => {
  it('lists definitions', async () => {
    const res = await stack.query(token, '{ customFieldDefinitions(entity: CUSTOMER) { key type options required } }');
    expect(res.data.customFieldDefinitions).toContainEqual({
      key: 'tier',
      type: 'SELECT',
      options: ['silver', 'gold'],
      required: true,
    });
    expect(res.data.customFieldDefinitions).toHaveLength(5);
  });

  it('refuses invalid definitions and duplicate keys', async () => {
    expect(
      (await ops.defineCustomField({ entity: 'CUSTOMER', key: '1bad', label: 'x', type: 'TEXT' })).userErrors[0].code,
    ).toBe('INVALID_KEY');
    expect(
      (await ops.defineCustomField({ entity: 'CUSTOMER', key: 'size', label: 'Size', type: 'SELECT' })).userErrors[0]
        .code,
    ).toBe('OPTIONS_REQUIRED');
    expect(
      (await ops.defineCustomField({ entity: 'CUSTOMER', key: 'size', label: 'Size', type: 'TEXT', options: ['a'] }))
        .userErrors[0].code,
    ).toBe('OPTIONS_NOT_ALLOWED');
    expect(
      (await ops.defineCustomField({ entity: 'CUSTOMER', key: 'tier', label: 'Again', type: 'TEXT' })).userErrors[0]
        .code,
    ).toBe('TAKEN');
  });

  it('stores values as typed values, numbers canonical', async () => {
    const { customer, userErrors } = await ops.createCustomer({
      name: 'Typed Co',
      customFields: { tier: 'gold', employees: '120.50', renewal: '2027-02-28', reseller: true, notes: 'likes tea' },
    });
    expect(userErrors).toEqual([]);
    expect(customer.customFields).toEqual([
      { key: 'tier', label: 'Tier', type: 'SELECT', text: 'gold', number: null, date: null, boolean: null },
      { key: 'employees', label: 'Employees', type: 'NUMBER', text: null, number: '120.5', date: null, boolean: null },
      { key: 'renewal', label: 'Renewal', type: 'DATE', text: null, number: null, date: '2027-02-28', boolean: null },
      { key: 'reseller', label: 'Reseller', type: 'BOOLEAN', text: null, number: null, date: null, boolean: true },
      { key: 'notes', label: 'Notes', type: 'TEXT', text: 'likes tea', number: null, date: null, boolean: null },
    ]);
  });

  it('refuses wrong types, unknown keys, options off the list and missing required values; saves nothing', async () => {
    const before = (await ops.customers({ filter: { includeArchived: true } })).totalCount;
    const res = await ops.createCustomer({
      name: 'Bad Fields',
      customFields: { tier: 'platinum', employees: 'many', renewal: '2027-02-30', reseller: 'yes', colour: 'red' },
    });
    expect(res.customer).toBeNull();
    expect(res.userErrors.map((e: any) => `${e.code}:${e.field.join('.')}`).sort()).toEqual([
      'INVALID_CUSTOM_FIELD_VALUE:input.customFields.employees',
      'INVALID_CUSTOM_FIELD_VALUE:input.customFields.renewal',
      'INVALID_CUSTOM_FIELD_VALUE:input.customFields.reseller',
      'INVALID_OPTION:input.customFields.tier',
      'UNKNOWN_CUSTOM_FIELD:input.customFields.colour',
    ]);
    // Custom dates follow the Date scalar's range (1900-2999), so they stay safe for SQL date arithmetic.
    const ancient = await ops.createCustomer({
      name: 'Ancient',
      customFields: { tier: 'gold', renewal: '0001-01-01' },
    });
    expect(ancient.userErrors.map((e: any) => `${e.code}:${e.field.join('.')}`)).toEqual([
      'INVALID_CUSTOM_FIELD_VALUE:input.customFields.renewal',
    ]);
    const missing = await ops.createCustomer({ name: 'No Tier', customFields: { employees: 3 } });
    expect(missing.userErrors).toEqual([
      { code: 'REQUIRED_CUSTOM_FIELD', field: ['input', 'customFields', 'tier'], message: 'Tier is required' },
    ]);
    expect((await ops.customers({ filter: { includeArchived: true } })).totalCount).toBe(before);
  });

  it('merges updates, removes a value with null, and keeps required values', async () => {
    const { customer } = await ops.createCustomer({
      name: 'Merge Co',
      customFields: { tier: 'silver', employees: 10 },
    });
    const merged = await ops.updateCustomer({ id: customer.id, customFields: { employees: null, reseller: false } });
    expect(merged.userErrors).toEqual([]);
    expect(merged.customer.customFields.map((f: any) => f.key)).toEqual(['tier', 'reseller']);
    const dropRequired = await ops.updateCustomer({ id: customer.id, customFields: { tier: null } });
    expect(dropRequired.userErrors[0].code).toBe('REQUIRED_CUSTOM_FIELD');
    expect((await ops.customer(customer.id)).customFields.map((f: any) => f.key)).toEqual(['tier', 'reseller']);
  });

  it('filters customers by a custom field value', async () => {
    await ops.createCustomer({ name: 'Gold One', customFields: { tier: 'gold', employees: '7.0' } });
    const gold = await ops.customers({ filter: { customField: { key: 'tier', equals: 'gold' } } });
    expect(gold.nodes.map((n: any) => n.name).sort()).toEqual(['Gold One', 'Typed Co']);
    const seven = await ops.customers({ filter: { customField: { key: 'employees', equals: '7' } } });
    expect(seven.nodes.map((n: any) => n.name)).toEqual(['Gold One']);
  });

  it('needs the admin scope to define fields', async () => {
    const crmOnly = await stack.token(newTenant(), ['crm:read', 'crm:write']);
    const res = await stack.query(
      crmOnly,
      'mutation { defineCustomField(input: {entity: CUSTOMER, key: "k", label: "K", type: TEXT}) { definition { key } } }',
    );
    expect(res.data.defineCustomField).toBeNull();
    expect(res.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });
});
