import type { EventEnvelope, EventPayloads, EventType } from '../../../lib/events/catalog.js';
import { dec } from '../../../lib/money.js';

/*
 * The public event catalogue: what a webhook's `data` holds for each type. It is a contract with
 * integrators (README "Webhooks"), kept apart from the internal payloads on purpose: an internal
 * payload may change, or carry what only another subgraph needs (unit costs, the lines an order
 * is made from), while a public shape only ever gains fields within its version. Every field comes
 * from the event itself, which belongs to one tenant: no delivery can carry another's data.
 */

interface PublicEvent<T extends EventType> {
  description: string;
  /** The version of `data`'s shape. */
  version: number;
  data(payload: EventPayloads[T]): Record<string, unknown>;
  /** An internal payload, for the catalogue's sample (run through `data` like a real one). */
  sample: EventPayloads[T];
}

type Catalogue = { [T in PublicEventType]: PublicEvent<T> };

const CUSTOMER = '0193e0a4-7c1d-7b1e-9a53-0c6f1d2e3a41';
const ORDER = '0193e0a5-1f2b-7c3d-8e4f-5a6b7c8d9e0f';
const OPPORTUNITY = '0193e0a4-9d8c-7b6a-9f5e-4d3c2b1a0f9e';
const INVOICE = '0193e0a6-2a3b-7c4d-9e5f-6a7b8c9d0e1f';
const PRODUCT = '0193e0a3-5b6c-7d8e-9f0a-1b2c3d4e5f6a';

const customerFacts = (p: EventPayloads['customer.created']) => ({
  id: p.customerId,
  name: p.name,
  kind: p.kind,
  ownerId: p.ownerId,
  archived: p.archived,
  createdAt: p.createdAt,
  updatedAt: p.updatedAt,
});
const customerSample: EventPayloads['customer.created'] = {
  customerId: CUSTOMER,
  name: 'Acme Ltd',
  kind: 'COMPANY',
  ownerId: 'ada',
  archived: false,
  createdAt: '2026-03-02T09:15:00.000Z',
  updatedAt: '2026-03-02T09:15:00.000Z',
};

export const PUBLIC_EVENTS: Catalogue = {
  'customer.created': {
    description: 'A customer was created.',
    version: 1,
    data: customerFacts,
    sample: customerSample,
  },
  'customer.updated': {
    description: 'A customer changed (its fields, tags or archiving): data is the customer as it is now.',
    version: 1,
    data: customerFacts,
    sample: { ...customerSample, name: 'Acme Group Ltd', updatedAt: '2026-03-05T14:00:00.000Z' },
  },
  'lead.created': {
    description: 'A lead was created.',
    version: 1,
    data: (p) => ({
      id: p.leadId,
      name: p.name,
      company: p.company,
      source: p.source,
      status: p.status,
      ownerId: p.ownerId,
      createdAt: p.createdAt,
    }),
    sample: {
      leadId: '0193e0a4-1111-7222-8333-444455556666',
      name: 'Grace Hopper',
      company: 'Acme Ltd',
      source: 'WEB',
      status: 'NEW',
      ownerId: null,
      createdAt: '2026-03-01T08:00:00.000Z',
    },
  },
  'lead.converted': {
    description: 'A lead was converted into a customer (and usually an opportunity).',
    version: 1,
    data: (p) => ({ id: p.leadId, customerId: p.customerId, opportunityId: p.opportunityId }),
    sample: { leadId: '0193e0a4-1111-7222-8333-444455556666', customerId: CUSTOMER, opportunityId: OPPORTUNITY },
  },
  'opportunity.won': {
    description: 'An opportunity was won (a draft sales order follows).',
    version: 1,
    data: (p) => ({
      id: p.opportunityId,
      customerId: p.customerId,
      title: p.title,
      amount: p.amount,
      currency: p.currency,
    }),
    sample: {
      opportunityId: OPPORTUNITY,
      customerId: CUSTOMER,
      title: 'Acme: 40 desks',
      currency: 'EUR',
      amount: '12000.00',
      lines: [],
    },
  },
  'opportunity.lost': {
    description: 'An opportunity was lost.',
    version: 1,
    data: (p) => ({ id: p.opportunityId, customerId: p.customerId, reason: p.reason }),
    sample: { opportunityId: OPPORTUNITY, customerId: CUSTOMER, reason: 'Price' },
  },
  'quote.accepted': {
    description: "A quote was accepted: its lines became the opportunity's.",
    version: 1,
    data: (p) => ({
      id: p.quoteId,
      number: p.number,
      opportunityId: p.opportunityId,
      customerId: p.customerId,
      total: p.total,
      currency: p.currency,
      acceptedAt: p.acceptedAt,
    }),
    sample: {
      quoteId: '0193e0a4-aaaa-7bbb-8ccc-dddd0000eeee',
      number: 'Q-000012',
      opportunityId: OPPORTUNITY,
      customerId: CUSTOMER,
      total: '12000.00',
      currency: 'EUR',
      acceptedAt: '2026-03-04T10:30:00.000Z',
    },
  },
  'salesOrder.confirmed': {
    description: 'A sales order was confirmed (credit checked, stock reserved).',
    version: 1,
    data: (p) => ({
      id: p.orderId,
      number: p.number,
      status: 'CONFIRMED',
      customerId: p.customerId,
      opportunityId: p.opportunityId,
      total: p.total,
      currency: p.currency,
    }),
    sample: {
      orderId: ORDER,
      number: 'SO-000123',
      customerId: CUSTOMER,
      opportunityId: OPPORTUNITY,
      total: '14280.00',
      currency: 'EUR',
    },
  },
  'salesOrder.cancelled': {
    description: 'A sales order was cancelled (its reservations released).',
    version: 1,
    data: (p) => ({
      id: p.orderId,
      number: p.number,
      status: 'CANCELLED',
      customerId: p.customerId,
      total: p.total,
      currency: p.currency,
      wasConfirmed: p.wasConfirmed,
    }),
    sample: {
      orderId: ORDER,
      number: 'SO-000123',
      customerId: CUSTOMER,
      total: '14280.00',
      currency: 'EUR',
      wasConfirmed: true,
    },
  },
  'shipment.shipped': {
    description: 'A shipment left the warehouse: data lists what it holds (quantities as decimal strings).',
    version: 1,
    data: (p) => ({
      id: p.shipmentId,
      number: p.number,
      orderId: p.orderId,
      orderNumber: p.orderNumber,
      customerId: p.customerId,
      shippedOn: p.shippedOn,
      // Quantities as plain decimals ("3", not the column's "3.0000").
      lines: p.lines.map((l) => ({
        productId: l.productId,
        sku: l.sku,
        name: l.name,
        quantity: dec(l.quantity).toFixed(),
      })),
    }),
    sample: {
      shipmentId: '0193e0a5-3333-7444-8555-666677778888',
      number: 'SH-000045',
      orderId: ORDER,
      orderNumber: 'SO-000123',
      customerId: CUSTOMER,
      currency: 'EUR',
      shippedOn: '2026-03-06',
      lines: [
        {
          orderLineId: '0193e0a5-9999-7aaa-8bbb-ccccddddeeee',
          productId: PRODUCT,
          sku: 'DSK-100',
          name: 'Standing desk',
          quantity: '40',
          unitPrice: '300.00',
          discountPercent: '0',
          unitCost: '180.00',
          shippedBefore: '0',
        },
      ],
    },
  },
  'shipment.delivered': {
    description: 'A shipment reached the customer.',
    version: 1,
    data: (p) => ({ id: p.shipmentId, orderId: p.orderId, customerId: p.customerId, deliveredOn: p.deliveredOn }),
    sample: {
      shipmentId: '0193e0a5-3333-7444-8555-666677778888',
      orderId: ORDER,
      customerId: CUSTOMER,
      deliveredOn: '2026-03-08',
      orderTotal: '14280.00',
      currency: 'EUR',
    },
  },
  'invoice.issued': {
    description: 'An invoice was issued (a receivable until paid).',
    version: 1,
    data: (p) => ({
      id: p.invoiceId,
      number: p.number,
      status: 'ISSUED',
      customerId: p.customerId,
      orderId: p.orderId,
      total: p.total,
      currency: p.currency,
      dueDate: p.dueDate,
    }),
    sample: {
      invoiceId: INVOICE,
      number: 'INV-2026-000045',
      customerId: CUSTOMER,
      orderId: ORDER,
      total: '14280.00',
      currency: 'EUR',
      dueDate: '2026-04-05',
    },
  },
  'invoice.paid': {
    description: 'An invoice was paid in full.',
    version: 1,
    data: (p) => ({
      id: p.invoiceId,
      number: p.number,
      status: 'PAID',
      customerId: p.customerId,
      orderId: p.orderId,
      total: p.total,
      currency: p.currency,
      paidOn: p.paidOn,
    }),
    sample: {
      invoiceId: INVOICE,
      number: 'INV-2026-000045',
      customerId: CUSTOMER,
      orderId: ORDER,
      total: '14280.00',
      currency: 'EUR',
      paidOn: '2026-03-30',
    },
  },
  'invoice.voided': {
    description: 'An invoice was voided.',
    version: 1,
    data: (p) => ({ id: p.invoiceId, number: p.number, status: 'VOIDED', customerId: p.customerId }),
    sample: { invoiceId: INVOICE, number: 'INV-2026-000045', customerId: CUSTOMER },
  },
  'payment.received': {
    description: 'Money was received from a customer (and allocated to its invoices).',
    version: 1,
    data: (p) => ({
      id: p.paymentId,
      customerId: p.customerId,
      amount: p.amount,
      currency: p.currency,
      receivedOn: p.receivedOn,
      method: p.method,
      reference: p.reference,
    }),
    sample: {
      paymentId: '0193e0a6-4444-7555-8666-777788889999',
      customerId: CUSTOMER,
      amount: '14280.00',
      currency: 'EUR',
      receivedOn: '2026-03-30',
      method: 'BANK_TRANSFER',
      reference: 'ACME-0330',
    },
  },
  'stock.belowReorderPoint': {
    description: "A product's available stock (over all warehouses) fell below its reorder point.",
    version: 1,
    data: (p) => ({ productId: p.productId, sku: p.sku, available: p.available, reorderPoint: p.reorderPoint }),
    sample: { productId: PRODUCT, sku: 'DSK-100', available: '4', reorderPoint: '10' },
  },
};

export type PublicEventType = Exclude<EventType, 'audit.recorded' | 'serviceTicket.resolved'>;

export const isPublicEventType = (value: string): value is PublicEventType => Object.hasOwn(PUBLIC_EVENTS, value);

/** The exact body a webhook POSTs: `{"type","timestamp","data"}` (timestamp: when the event occurred). */
export function webhookBody(event: EventEnvelope<PublicEventType>): string {
  const entry = PUBLIC_EVENTS[event.type] as PublicEvent<PublicEventType>;
  return JSON.stringify({ type: event.type, timestamp: event.occurredAt, data: entry.data(event.payload as never) });
}

/** The catalogue as webhookEventTypes lists it. */
export const webhookEventTypes = () =>
  (Object.keys(PUBLIC_EVENTS) as PublicEventType[]).map((type) => {
    const entry = PUBLIC_EVENTS[type] as PublicEvent<PublicEventType>;
    return {
      type,
      description: entry.description,
      version: entry.version,
      samplePayload: { type, timestamp: '2026-03-02T09:15:00.000Z', data: entry.data(entry.sample as never) },
    };
  });
