import { addDays, todayUtc } from '../../lib/dates.js';
import type { EventEnvelope } from '../../lib/events/catalog.js';
import { uuidv7 } from '../../lib/ids.js';
import { deliver, envelope } from '../support/events.js';
import type { Stack } from '../support/stack.js';

/** Today (UTC) plus n days, as YYYY-MM-DD. */
export const day = (n: number) => addDays(todayUtc(), n);

export const INSIGHT_FIELDS =
  'lastPurchaseAt purchaseCount nextPurchaseExpectedAt healthScore healthFactors { name weight value detail }';

/** Builds a customer's history straight at the customer subgraph's /events endpoint, with chosen dates. */
export function customerEvents(stack: Stack, tenantId: string) {
  const send = async (event: EventEnvelope) => {
    const res = await deliver(stack, 'customer', event);
    if (res.status !== 200) throw new Error(`${event.type} refused: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.status as 'applied' | 'duplicate';
  };
  return {
    send,
    /** An order delivered on `deliveredOn` (its first delivery makes it a purchase); returns the order id. */
    async delivered(customerId: string, deliveredOn: string, opts: { orderId?: string; total?: string } = {}) {
      const orderId = opts.orderId ?? uuidv7();
      await send(
        envelope(tenantId, 'shipment.delivered', {
          shipmentId: uuidv7(),
          orderId,
          customerId,
          deliveredOn,
          orderTotal: opts.total ?? '100.00',
          currency: 'CNY',
        }),
      );
      return orderId;
    },
    async issued(customerId: string, dueDate: string, opts: { invoiceId?: string; orderId?: string | null } = {}) {
      const invoiceId = opts.invoiceId ?? uuidv7();
      await send(
        envelope(tenantId, 'invoice.issued', {
          invoiceId,
          number: 'INV-1',
          customerId,
          orderId: opts.orderId ?? null,
          total: '113.00',
          currency: 'CNY',
          dueDate,
        }),
      );
      return invoiceId;
    },
    async paid(customerId: string, invoiceId: string, paidOn: string, opts: { orderId?: string | null } = {}) {
      await send(
        envelope(tenantId, 'invoice.paid', {
          invoiceId,
          number: 'INV-1',
          customerId,
          orderId: opts.orderId ?? null,
          total: '113.00',
          currency: 'CNY',
          paidOn,
        }),
      );
    },
    async voided(customerId: string, invoiceId: string) {
      await send(envelope(tenantId, 'invoice.voided', { invoiceId, number: 'INV-1', customerId }));
    },
  };
}

/** A fresh tenant with a token and a way to make customers through the gateway. */
export async function insightTenant(stack: Stack, tenantId: string) {
  const token = await stack.token(tenantId);
  const createCustomer = async (name: string): Promise<string> => {
    const res = await stack.query(
      token,
      'mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { customer { id } userErrors { code } } }',
      { input: { name } },
    );
    if (res.errors || res.data.createCustomer.userErrors.length)
      throw new Error(`createCustomer failed: ${JSON.stringify(res.errors ?? res.data)}`);
    return res.data.createCustomer.customer.id;
  };
  const insights = async (id: string) => {
    const res = await stack.query(token, `query($id: ID!) { customer(id: $id) { ${INSIGHT_FIELDS} } }`, { id });
    if (res.errors) throw new Error(JSON.stringify(res.errors));
    return res.data.customer;
  };
  return { token, createCustomer, insights, events: customerEvents(stack, tenantId) };
}
