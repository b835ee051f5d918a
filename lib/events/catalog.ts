import type { AuditRecord } from '../audit.js';
import type { SubgraphName } from '../config.js';

/**
 * Every event the graph publishes: who publishes it, its payload version, and which subgraphs
 * consume it. Events nobody consumes yet are still recorded (for webhooks and the audit trail).
 * Payloads carry what consumers need so that no consumer has to call back into the publisher.
 * Most types have one publisher; `'*'`: every subgraph publishes it (audit.recorded: each
 * subgraph's changes travel to the audit log through its own outbox, see lib/audit.ts). Platform
 * subscribes to every type tenants can have webhooks for (subgraphs/platform/webhook-payloads.ts).
 */
export const EVENT_CATALOG = {
  'customer.created': { publisher: 'customer', version: 1, subscribers: ['platform'] },
  'customer.updated': { publisher: 'customer', version: 1, subscribers: ['platform'] },
  'lead.created': { publisher: 'sales-pipeline', version: 1, subscribers: ['platform'] },
  'lead.converted': { publisher: 'sales-pipeline', version: 1, subscribers: ['platform'] },
  'opportunity.won': { publisher: 'sales-pipeline', version: 1, subscribers: ['order-fulfilment', 'platform'] },
  'opportunity.lost': { publisher: 'sales-pipeline', version: 1, subscribers: ['platform'] },
  'quote.accepted': { publisher: 'sales-pipeline', version: 1, subscribers: ['platform'] },
  'salesOrder.confirmed': { publisher: 'order-fulfilment', version: 1, subscribers: ['finance', 'platform'] },
  'salesOrder.cancelled': { publisher: 'order-fulfilment', version: 1, subscribers: ['finance', 'platform'] },
  'shipment.shipped': { publisher: 'order-fulfilment', version: 1, subscribers: ['finance', 'platform'] },
  'shipment.delivered': { publisher: 'order-fulfilment', version: 1, subscribers: ['customer', 'platform'] },
  'stock.belowReorderPoint': { publisher: 'order-fulfilment', version: 1, subscribers: ['platform'] },
  'invoice.issued': { publisher: 'finance', version: 1, subscribers: ['customer', 'platform'] },
  'invoice.paid': { publisher: 'finance', version: 1, subscribers: ['customer', 'platform'] },
  'invoice.voided': { publisher: 'finance', version: 1, subscribers: ['customer', 'platform'] },
  'payment.received': { publisher: 'finance', version: 1, subscribers: ['platform'] },
  'serviceTicket.resolved': { publisher: 'customer', version: 1, subscribers: [] },
  'audit.recorded': { publisher: '*', version: 1, subscribers: ['platform'] },
} as const satisfies Record<
  string,
  { publisher: SubgraphName | '*'; version: number; subscribers: readonly SubgraphName[] }
>;

/** Whether `publisher` may publish events of `type`. */
export const publishes = (publisher: SubgraphName, type: EventType): boolean => {
  const allowed: SubgraphName | '*' = EVENT_CATALOG[type].publisher;
  return allowed === '*' || allowed === publisher;
};

export type EventType = keyof typeof EVENT_CATALOG;

export const isEventType = (value: unknown): value is EventType =>
  typeof value === 'string' && Object.hasOwn(EVENT_CATALOG, value);

interface Line {
  productId: string;
  quantity: string;
  unitPrice: string;
  discountPercent: string;
}

/** customer.created/updated: the customer's key facts as they are after the change. */
interface CustomerFacts {
  customerId: string;
  name: string;
  kind: string;
  ownerId: string | null;
  archived: boolean;
  createdAt: string;
  updatedAt: string;
}

/** What each event carries (amounts are decimal strings in the tenant's currency). */
export interface EventPayloads {
  'customer.created': CustomerFacts;
  'customer.updated': CustomerFacts;
  'lead.created': {
    leadId: string;
    name: string;
    company: string | null;
    source: string;
    status: string;
    ownerId: string | null;
    createdAt: string;
  };
  'lead.converted': { leadId: string; customerId: string; opportunityId: string | null };
  'opportunity.won': {
    opportunityId: string;
    customerId: string;
    title: string;
    currency: string;
    amount: string;
    lines: Line[];
  };
  'opportunity.lost': { opportunityId: string; customerId: string; reason: string | null };
  'salesOrder.confirmed': {
    orderId: string;
    number: string;
    customerId: string;
    opportunityId: string | null;
    total: string;
    currency: string;
  };
  'salesOrder.cancelled': {
    orderId: string;
    number: string;
    customerId: string;
    total: string;
    currency: string;
    wasConfirmed: boolean;
  };
  'shipment.shipped': {
    shipmentId: string;
    number: string;
    orderId: string;
    orderNumber: string;
    customerId: string;
    currency: string;
    shippedOn: string;
    /**
     * shippedBefore: how much of the order line earlier shipments took (the order line's shipped
     * quantity without this shipment), so that its parts can be billed with cumulative rounding.
     */
    lines: (Line & { orderLineId: string; sku: string; name: string; unitCost: string; shippedBefore: string })[];
  };
  'shipment.delivered': {
    shipmentId: string;
    orderId: string;
    customerId: string;
    deliveredOn: string;
    orderTotal: string;
    currency: string;
  };
  'invoice.issued': {
    invoiceId: string;
    number: string;
    customerId: string;
    orderId: string | null;
    total: string;
    currency: string;
    dueDate: string;
  };
  'invoice.paid': {
    invoiceId: string;
    number: string;
    customerId: string;
    orderId: string | null;
    total: string;
    currency: string;
    paidOn: string;
  };
  'invoice.voided': { invoiceId: string; number: string; customerId: string };
  'quote.accepted': {
    quoteId: string;
    number: string;
    opportunityId: string;
    customerId: string;
    total: string;
    currency: string;
    acceptedAt: string;
  };
  'payment.received': {
    paymentId: string;
    customerId: string;
    amount: string;
    currency: string;
    receivedOn: string;
    method: string;
    reference: string | null;
  };
  /** A change took the product's available quantity (over every warehouse) from at or above its reorder point to below it. */
  'stock.belowReorderPoint': { productId: string; sku: string; available: string; reorderPoint: string };
  'serviceTicket.resolved': { ticketId: string; customerId: string; resolvedAt: string };
  /** One committed change, for platform's audit log (the audit trail's transport, not a business event). */
  'audit.recorded': AuditRecord;
}

/** An event as stored, delivered and handed to consumers. */
export interface EventEnvelope<T extends EventType = EventType> {
  id: string;
  type: T;
  version: number;
  tenantId: string;
  occurredAt: string;
  payload: EventPayloads[T];
}
