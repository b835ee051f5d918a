import { describe, expect, it } from 'vitest';
import { auditInput, entityIdsOf, eventRecord, mutationRecord, redacted } from '../../lib/audit.js';

describe('redaction', () => {
  it('replaces every value whose key looks like a secret, at any depth, and keeps the rest', () => {
    expect(
      redacted({
        name: 'Warehouse sync',
        secret: 'sme_abc',
        clientSecret: 'x',
        password: 'x',
        newPassword: 'x',
        accessToken: 'x',
        apiKey: 'x',
        api_key: 'x',
        'api-key': 'x',
        APIKEY: 'x',
        Authorization: 'Bearer x',
        credentials: { user: 'u', pass: 'p' },
        nested: { deeper: [{ refreshToken: 'x', keep: 1 }, 'plain', null] },
        scopes: ['crm:read'],
        amount: '12.50',
        key: 'tier',
      }),
    ).toEqual({
      name: 'Warehouse sync',
      secret: '[REDACTED]',
      clientSecret: '[REDACTED]',
      password: '[REDACTED]',
      newPassword: '[REDACTED]',
      accessToken: '[REDACTED]',
      apiKey: '[REDACTED]',
      api_key: '[REDACTED]',
      'api-key': '[REDACTED]',
      APIKEY: '[REDACTED]',
      Authorization: '[REDACTED]',
      credentials: '[REDACTED]',
      nested: { deeper: [{ refreshToken: '[REDACTED]', keep: 1 }, 'plain', null] },
      scopes: ['crm:read'],
      amount: '12.50',
      key: 'tier',
    });
  });

  it('stores an input as JSON: dates as ISO strings, undefined dropped, anything but an object as null', () => {
    const input = Object.assign(Object.create(null), {
      expiresAt: new Date('2030-01-02T03:04:05.006Z'),
      note: undefined,
      token: 'x',
    });
    expect(auditInput(input)).toEqual({ expiresAt: '2030-01-02T03:04:05.006Z', token: '[REDACTED]' });
    expect(auditInput(null)).toBeNull();
    expect(auditInput(undefined)).toBeNull();
    expect(auditInput(['a'])).toBeNull();
  });
});

describe('entity ids of a result', () => {
  it('takes the id of the result, of its items, and of object-valued properties one level down', () => {
    expect(entityIdsOf({ id: 'c1', name: 'Tea House', address: { city: 'Hangzhou' } })).toEqual(['c1']);
    expect(entityIdsOf([{ id: 'c1' }, { id: 'c2' }, { id: 'c1' }])).toEqual(['c1', 'c2']);
    expect(entityIdsOf({ apiKey: { id: 'k1' }, secret: 'sme_abc' })).toEqual(['k1']);
    expect(entityIdsOf({ lead: { id: 'l1' }, opportunity: { id: 'o1' }, customerId: 'c1' })).toEqual(['l1', 'o1']);
    expect(entityIdsOf({ id: 'i1', lines: [{ id: 'l1' }, { id: 'l2' }], deep: { nested: { id: 'no' } } })).toEqual([
      'i1',
      'l1',
      'l2',
    ]);
    expect(entityIdsOf('removed-contact-id')).toEqual(['removed-contact-id']);
    expect(entityIdsOf(3)).toEqual([]);
    expect(entityIdsOf(null)).toEqual([]);
    expect(entityIdsOf(undefined)).toEqual([]);
  });
});

describe('records', () => {
  const actor = {
    userId: 'ada',
    actorKind: 'USER' as const,
    operationName: 'Onboard',
    requestId: 'req-1',
    clientIp: '10.0.0.1',
  };

  it("a mutation's: who, which field and service, the ids of the result and those noted besides", () => {
    const record = mutationRecord(
      actor,
      'customer',
      { field: 'createCustomer', input: { name: 'Tea', password: 'p' } },
      { id: 'c1' },
      ['c1', 'x9'],
    );
    expect(record).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      occurredAt: expect.any(String),
      actorId: 'ada',
      actorKind: 'USER',
      operationName: 'Onboard',
      field: 'createCustomer',
      service: 'customer',
      entityIds: ['c1', 'x9'],
      outcome: 'SUCCEEDED',
      requestId: 'req-1',
      clientIp: '10.0.0.1',
      input: { name: 'Tea', password: '[REDACTED]' },
    });
  });

  it("an internal call made for an event handler acts as the event (its request id), and so does the handler's own", () => {
    const forEvent = { ...actor, userId: 'system:events', actorKind: 'EVENT' as const, requestId: 'evt-1' };
    expect(mutationRecord(forEvent, 'finance', { field: 'reserveCredit', input: {} }, null).actorId).toBe('evt-1');
    const event = {
      id: 'evt-2',
      type: 'opportunity.won' as const,
      version: 1,
      tenantId: 't',
      occurredAt: new Date().toISOString(),
      payload: { opportunityId: 'o1', customerId: 'c1', title: 'T', currency: 'CNY', amount: '1', lines: [] },
    };
    expect(eventRecord('order-fulfilment', event, { id: 'so1' })).toMatchObject({
      actorId: 'evt-2',
      actorKind: 'EVENT',
      operationName: null,
      field: 'opportunity.won',
      service: 'order-fulfilment',
      entityIds: ['so1'],
      requestId: 'evt-2',
      clientIp: null,
      input: event.payload,
    });
  });
});
