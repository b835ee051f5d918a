import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lead2cash } from '../finance/scene.js';
import { strictClient } from '../support/fulfilment.js';
import { newTenant, startStack, type Stack } from '../support/stack.js';
import {
  deliveriesOf,
  subscribe,
  SUBSCRIPTION_FIELDS,
  verifyStandardWebhook,
  webhookReceiver,
  type Receiver,
} from '../support/webhook-receiver.js';

const ALL_TYPES = [
  'customer.created',
  'customer.updated',
  'lead.created',
  'lead.converted',
  'opportunity.won',
  'opportunity.lost',
  'quote.accepted',
  'salesOrder.confirmed',
  'salesOrder.cancelled',
  'shipment.shipped',
  'shipment.delivered',
  'invoice.issued',
  'invoice.paid',
  'invoice.voided',
  'payment.received',
  'stock.belowReorderPoint',
];
const ERRORS = 'userErrors { code field message }';
const UUID = expect.stringMatching(/^[0-9a-f-]{36}$/);

let stack: Stack;
const receivers: Receiver[] = [];
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await Promise.all(receivers.map((r) => r.close()));
  await stack?.close();
});

async function receiver(...args: Parameters<typeof webhookReceiver>) {
  const r = await webhookReceiver(...args);
  receivers.push(r);
  return r;
}

describe('webhook subscriptions', () => {
  it('are created with a whsec_ secret shown once, listed without it, and need the admin scope', async () => {
    const tenant = newTenant('wh');
    const admin = await stack.token(tenant, ['admin']);
    const { subscription, secret } = await subscribe(stack, admin, 'http://127.0.0.1:9/hooks', [
      'invoice.paid',
      'customer.created',
      'invoice.paid',
    ]);
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(secret.slice(6), 'base64')).toHaveLength(32);
    expect(subscription).toMatchObject({
      url: 'http://127.0.0.1:9/hooks',
      eventTypes: ['invoice.paid', 'customer.created'],
      active: true,
      disabledReason: null,
    });
    const listed = await stack.query(
      admin,
      `{ webhookSubscriptions(first: 10) { totalCount nodes { ${SUBSCRIPTION_FIELDS} } } }`,
    );
    expect(listed.data.webhookSubscriptions).toEqual({ totalCount: 1, nodes: [subscription] });
    // Stored sealed: the secret itself is nowhere in the database.
    const [row] = await stack.database
      .sql`select secret from platform.webhook_subscriptions where tenant_id = ${tenant}`;
    expect(row.secret).toMatch(/^v1\./);
    expect(row.secret).not.toContain(secret.slice(6, 20));

    const reader = await stack.token(tenant, ['crm:read']);
    const refused = await stack.query(reader, '{ webhookSubscriptions { totalCount } }');
    expect(refused.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });

  it('refuse unknown event types and empty lists, field by field', async () => {
    const admin = await stack.token(newTenant('wh'), ['admin']);
    const res = await stack.query(
      admin,
      `mutation { a: createWebhookSubscription(input: {url: "http://127.0.0.1:9/", eventTypes: ["invoice.paid", "audit.recorded"]}) { webhookSubscription { id } secret ${ERRORS} }
        b: createWebhookSubscription(input: {url: "http://127.0.0.1:9/", eventTypes: []}) { webhookSubscription { id } ${ERRORS} } }`,
    );
    expect(res.data.a).toEqual({
      webhookSubscription: null,
      secret: null,
      userErrors: [
        {
          code: 'UNKNOWN_WEBHOOK_EVENT_TYPE',
          field: ['input', 'eventTypes', '1'],
          message: 'audit.recorded is not a webhook event type',
        },
      ],
    });
    expect(res.data.b.userErrors.map((e: { code: string }) => e.code)).toEqual(['REQUIRED']);
  });

  it('list the public catalogue: every type with its description, version and a sample body', async () => {
    const admin = await stack.token(newTenant('wh'), ['admin']);
    const res = await stack.query(admin, '{ webhookEventTypes { type description version samplePayload } }');
    const types = res.data.webhookEventTypes as any[];
    expect(types.map((t) => t.type)).toEqual(ALL_TYPES);
    for (const t of types) {
      expect(t.version).toBe(1);
      expect(t.description).not.toBe('');
      expect(Object.keys(t.samplePayload)).toEqual(['type', 'timestamp', 'data']);
      expect(t.samplePayload.type).toBe(t.type);
    }
    const shipped = types.find((t) => t.type === 'shipment.shipped').samplePayload.data;
    // Internal facts (costs, prices of the order line) stay internal.
    expect(shipped.lines[0]).toEqual({ productId: UUID, sku: 'DSK-100', name: 'Standing desk', quantity: '40' });
  });

  it('are paused, resumed, changed and deleted; a paused one gets nothing queued', async () => {
    const tenant = newTenant('wh');
    const token = await stack.token(tenant);
    const hooks = await receiver();
    const { id } = await subscribe(stack, token, hooks.url, ['customer.created']);
    const update = (input: object) =>
      stack.query(
        token,
        `mutation($input: UpdateWebhookSubscriptionInput!) { updateWebhookSubscription(input: $input) { webhookSubscription { ${SUBSCRIPTION_FIELDS} } ${ERRORS} } }`,
        { input },
      );
    expect((await update({ id, active: false })).data.updateWebhookSubscription.webhookSubscription.active).toBe(false);
    await stack.query(token, 'mutation { createCustomer(input: {name: "While paused"}) { customer { id } } }');
    await stack.settle();
    expect(hooks.received).toHaveLength(0);
    expect(await deliveriesOf(stack, token, id)).toEqual([]);

    const resumed = (
      await update({ id, active: true, eventTypes: ['customer.created', 'customer.updated'], description: 'CRM sync' })
    ).data.updateWebhookSubscription;
    expect(resumed).toMatchObject({
      webhookSubscription: {
        active: true,
        eventTypes: ['customer.created', 'customer.updated'],
        description: 'CRM sync',
      },
      userErrors: [],
    });
    await stack.query(token, 'mutation { createCustomer(input: {name: "After"}) { customer { id } } }');
    await stack.settle();
    expect(hooks.events().map((e) => [e.type, e.data.name])).toEqual([['customer.created', 'After']]);

    const deleted = await stack.query(
      token,
      `mutation($id: ID!) { deleteWebhookSubscription(input: {id: $id}) { deletedId ${ERRORS} } }`,
      { id },
    );
    expect(deleted.data.deleteWebhookSubscription).toEqual({ deletedId: id, userErrors: [] });
    const [left] = await stack.database.sql`
      select (select count(*)::int from platform.webhook_subscriptions where tenant_id = ${tenant}) as subscriptions,
             (select count(*)::int from platform.webhook_deliveries where tenant_id = ${tenant}) as deliveries,
             (select count(*)::int from platform.webhook_attempts where tenant_id = ${tenant}) as attempts`;
    expect(left).toEqual({ subscriptions: 0, deliveries: 0, attempts: 0 });
    await stack.query(token, 'mutation { createCustomer(input: {name: "Gone"}) { customer { id } } }');
    await stack.settle();
    expect(hooks.received).toHaveLength(1);
  });
});

describe('webhook deliveries', () => {
  it('are Standard Webhooks POSTs that a receiver written from the spec verifies', async () => {
    const tenant = newTenant('wh');
    const token = await stack.token(tenant);
    const hooks = await receiver();
    const { id, secret } = await subscribe(stack, token, hooks.url, ['customer.created']);
    const created = await stack.query(
      token,
      'mutation { createCustomer(input: {name: "Acme", email: "ops@acme.example"}) { customer { id createdAt } } }',
    );
    const customer = created.data.createCustomer.customer;
    await stack.settle();

    expect(hooks.received).toHaveLength(1);
    const [request] = hooks.received;
    expect(verifyStandardWebhook(secret, request.headers, request.body)).toBe(true);
    // Any change to the body, the id or the timestamp breaks the signature.
    expect(verifyStandardWebhook(secret, request.headers, request.body.replace('Acme', 'Acne'))).toBe(false);
    expect(verifyStandardWebhook(secret, { ...request.headers, 'webhook-id': 'msg_other' }, request.body)).toBe(false);
    expect(
      verifyStandardWebhook(
        secret,
        { ...request.headers, 'webhook-timestamp': String(Number(request.headers['webhook-timestamp']) + 1) },
        request.body,
      ),
    ).toBe(false);
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers['webhook-id']).toMatch(/^msg_[0-9a-f-]{36}$/);
    expect(Math.abs(Number(request.headers['webhook-timestamp']) - Date.now() / 1000)).toBeLessThan(30);
    expect(request.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);

    const body = JSON.parse(request.body);
    expect(Object.keys(body)).toEqual(['type', 'timestamp', 'data']);
    expect(body.type).toBe('customer.created');
    expect(Date.parse(body.timestamp)).not.toBeNaN();
    // The public shape: key facts only (no e-mail address).
    expect(body.data).toEqual({
      id: customer.id,
      name: 'Acme',
      kind: 'COMPANY',
      ownerId: null,
      archived: false,
      createdAt: customer.createdAt,
      updatedAt: customer.createdAt,
    });

    const [delivery] = await deliveriesOf(stack, token, id);
    expect(delivery).toMatchObject({
      webhookId: request.headers['webhook-id'],
      eventType: 'customer.created',
      status: 'DELIVERED',
      attempts: 1,
      lastStatusCode: 204,
      lastError: null,
      nextAttemptAt: null,
      attemptLog: [{ attempt: 1, statusCode: 204, error: null, responseBody: '' }],
    });
    expect(delivery.deliveredAt).not.toBeNull();
  });

  it('carry each type of the main flow with its public payload', async () => {
    const scene = await lead2cash(stack, 'whflow');
    const hooks = await receiver();
    await subscribe(stack, scene.token, hooks.url, ALL_TYPES);
    const productInput = {
      sku: 'DSK-1',
      name: 'Desk',
      listPrice: { amount: '100.00', currency: 'CNY' },
      unitCost: { amount: '60.00', currency: 'CNY' },
      reorderPoint: '8',
    };
    const product = (
      await scene.run(
        `mutation($input: CreateProductInput!) { createProduct(input: $input) { product { id } ${ERRORS} } }`,
        { input: productInput },
      )
    ).product.id as string;
    const [level] = await stack.database.sql`select id from fulfilment.warehouses where tenant_id = ${scene.tenant}`;
    await scene.run(
      `mutation($p: ID!, $w: ID!) { receiveStock(input: {productId: $p, warehouseId: $w, quantity: "10"}) { ${ERRORS} } }`,
      { p: product, w: level.id },
    );
    await scene.run(`mutation($id: ID!) { updateCustomer(input: {id: $id, name: "Buyer & Co"}) { ${ERRORS} } }`, {
      id: scene.customer,
    });
    const order = await scene.order([{ productId: product, quantity: '3' }]);
    await scene.confirm(order.id);
    await scene.settle();
    const shipment = await scene.ship(order.id, [[order.lines[0].id, '3']]);
    await scene.settle();
    const { invoices } = await scene.finance();
    const invoice = invoices[0];
    await scene.run(
      `mutation($input: RecordPaymentInput!) { recordPayment(input: $input) { payment { id } ${ERRORS} } }`,
      {
        input: {
          customerId: scene.customer,
          amount: { amount: invoice.total.amount, currency: 'CNY' },
          receivedOn: new Date().toISOString().slice(0, 10),
          method: 'BANK_TRANSFER',
          reference: 'R-1',
        },
      },
    );
    await scene.settle();

    const events = hooks.events();
    const byType = Object.fromEntries(events.map((e) => [e.type, e.data]));
    expect(events.map((e) => e.type).sort()).toEqual(
      [
        'customer.updated',
        'salesOrder.confirmed',
        'stock.belowReorderPoint',
        'shipment.shipped',
        'invoice.issued',
        'payment.received',
        'invoice.paid',
      ].sort(),
    );
    expect(byType['customer.updated']).toMatchObject({ id: scene.customer, name: 'Buyer & Co', archived: false });
    expect(byType['salesOrder.confirmed']).toEqual({
      id: order.id,
      number: order.number,
      status: 'CONFIRMED',
      customerId: scene.customer,
      opportunityId: null,
      total: order.total.amount,
      currency: 'CNY',
    });
    // 10 received, 3 reserved: 7 available, below the reorder point of 8.
    expect(byType['stock.belowReorderPoint']).toEqual({
      productId: product,
      sku: 'DSK-1',
      available: '7',
      reorderPoint: '8',
    });
    expect(byType['shipment.shipped']).toEqual({
      id: shipment.id,
      number: shipment.number,
      orderId: order.id,
      orderNumber: order.number,
      customerId: scene.customer,
      shippedOn: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
      lines: [{ productId: product, sku: 'DSK-1', name: 'Desk', quantity: '3' }],
    });
    expect(byType['invoice.issued']).toEqual({
      id: invoice.id,
      number: invoice.number,
      status: 'ISSUED',
      customerId: scene.customer,
      orderId: order.id,
      total: invoice.total.amount,
      currency: 'CNY',
      dueDate: invoice.dueDate,
    });
    expect(byType['payment.received']).toEqual({
      id: UUID,
      customerId: scene.customer,
      amount: invoice.total.amount,
      currency: 'CNY',
      receivedOn: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
      method: 'BANK_TRANSFER',
      reference: 'R-1',
    });
    expect(byType['invoice.paid']).toMatchObject({
      id: invoice.id,
      number: invoice.number,
      status: 'PAID',
      total: invoice.total.amount,
    });
    // Shipping consumes what was reserved: available stays at 7, no second crossing.
    expect(events.filter((e) => e.type === 'stock.belowReorderPoint')).toHaveLength(1);
  });

  it('carry the sales flow: lead.created, lead.converted, customer.created, quote.accepted, opportunity.won and lost', async () => {
    const tenant = newTenant('whsales');
    const token = await stack.token(tenant);
    const run = strictClient(stack, token);
    const hooks = await receiver();
    await subscribe(stack, token, hooks.url, ALL_TYPES);
    const { lead } = await run(
      `mutation { createLead(input: {name: "Wang Fang", company: "Fang Ceramics", email: "wang@fang.example", source: WEBSITE}) { lead { id createdAt } ${ERRORS} } }`,
    );
    const converted = await run(
      `mutation($id: ID!) { convertLead(input: {leadId: $id, opportunity: {title: "Kiln order"}}) { customer { id } opportunity { id } ${ERRORS} } }`,
      { id: lead.id },
    );
    const opportunity = converted.opportunity.id as string;
    const customer = converted.customer.id as string;
    await run(
      `mutation($id: ID!) { addOpportunityLine(input: {opportunityId: $id, line: {description: "Kiln shelf", quantity: "10", unitPrice: {amount: "250", currency: "CNY"}}}) { opportunity { id } ${ERRORS} } }`,
      { id: opportunity },
    );
    const { quote } = await run(
      `mutation($id: ID!) { createQuote(input: {opportunityId: $id, validUntil: "2099-01-31"}) { quote { id number } ${ERRORS} } }`,
      { id: opportunity },
    );
    await run(`mutation($id: ID!) { sendQuote(input: {id: $id}) { quote { status } ${ERRORS} } }`, { id: quote.id });
    await run(`mutation($id: ID!) { acceptQuote(input: {id: $id}) { quote { status } ${ERRORS} } }`, { id: quote.id });
    await run(`mutation($id: ID!) { markOpportunityWon(input: {id: $id}) { opportunity { status } ${ERRORS} } }`, {
      id: opportunity,
    });
    const other = await run(
      `mutation($c: ID!) { createOpportunity(input: {title: "Spare kiln", customerId: $c}) { opportunity { id } ${ERRORS} } }`,
      { c: customer },
    );
    await run(
      `mutation($id: ID!) { markOpportunityLost(input: {id: $id, reason: "Budget"}) { opportunity { status } ${ERRORS} } }`,
      { id: other.opportunity.id },
    );
    await stack.settle();

    const events = hooks.events();
    const byType = Object.fromEntries(events.map((e) => [e.type, e.data]));
    expect(events.map((e) => e.type).sort()).toEqual(
      [
        'lead.created',
        'customer.created',
        'lead.converted',
        'quote.accepted',
        'opportunity.won',
        'opportunity.lost',
      ].sort(),
    );
    // No e-mail address, no custom fields: the lead's key facts.
    expect(byType['lead.created']).toEqual({
      id: lead.id,
      name: 'Wang Fang',
      company: 'Fang Ceramics',
      source: 'WEBSITE',
      status: 'NEW',
      ownerId: null,
      createdAt: lead.createdAt,
    });
    expect(byType['lead.converted']).toEqual({ id: lead.id, customerId: customer, opportunityId: opportunity });
    expect(byType['customer.created']).toMatchObject({ id: customer, name: 'Fang Ceramics' });
    expect(byType['quote.accepted']).toEqual({
      id: quote.id,
      number: quote.number,
      opportunityId: opportunity,
      customerId: customer,
      total: '2500.00',
      currency: 'CNY',
      acceptedAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
    });
    expect(byType['opportunity.won']).toEqual({
      id: opportunity,
      customerId: customer,
      title: 'Kiln order',
      amount: '2500.00',
      currency: 'CNY',
    });
    expect(byType['opportunity.lost']).toEqual({ id: other.opportunity.id, customerId: customer, reason: 'Budget' });
  });

  it('leave no audit entries of their own (queueing is not a change anybody made)', async () => {
    const tenant = newTenant('wh');
    const token = await stack.token(tenant);
    const hooks = await receiver();
    await subscribe(stack, token, hooks.url, ['customer.created']);
    await stack.query(token, 'mutation { createCustomer(input: {name: "Audited"}) { customer { id } } }');
    await stack.settle();
    const entries = await stack.database
      .sql`select field from platform.audit_log where tenant_id = ${tenant} order by id`;
    expect(entries.map((e) => e.field)).toEqual(['createWebhookSubscription', 'createCustomer']);
  });
});

describe('the README', () => {
  it('runs its webhook operations as written', async () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('### Webhooks'), readme.indexOf('### Conventions for clients'));
    const document = /```graphql\n([\s\S]*?)```/.exec(section)![1];
    const token = await stack.token(newTenant('whdoc'), ['admin']);
    const run = (operationName: string, variables?: object) =>
      stack.post({ query: document, operationName, variables }, { authorization: `Bearer ${token}` });
    const created = await run('CreateHook');
    expect(created.errors).toBeUndefined();
    // erp.example.com may not resolve here: either way the answer is the payload's.
    const payload = created.data.createWebhookSubscription;
    const { id } =
      payload.webhookSubscription ?? (await subscribe(stack, token, 'http://127.0.0.1:9/', ['invoice.paid']));
    for (const [name, variables] of [
      ['DeliveryLog', { id }],
      ['RedeliverFailed', { id }],
    ] as const) {
      const res = await run(name, variables);
      expect(res.errors, name).toBeUndefined();
    }
  });
});
