import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dec } from '../../lib/money.js';
import { PayloadCheck } from '../../subgraphs/finance/consumers/payload.js';
import { costOfGoods, costOfGoodsPostings, isBalanced, netAmount, shipmentInvoiceLines } from '../../subgraphs/finance/rules.js';

/** Finance's rules for shipments, as plain functions (the numbers are worked out by hand). */
describe('shipment rules', () => {
  it('net amount: quantity x unit price less the discount, rounded half-up to the cent', () => {
    expect(netAmount('3', '19.99', '12.5')).toBe('52.47'); // 52.47375
    expect(netAmount('1', '19.99', '12.5')).toBe('17.49'); // 17.49125
    expect(netAmount('1', '0.05', '10')).toBe('0.05'); // 0.045 -> half-up
    expect(netAmount('2.5', '0.3333', '0')).toBe('0.83'); // 0.83325
    expect(netAmount('7', '12.34', '100')).toBe('0.00');
    expect(netAmount('0.0001', '0.0001', '0')).toBe('0.00');
  });

  it('cost of goods: the exact sum of quantity x unit cost, rounded half-up once', () => {
    expect(costOfGoods([{ quantity: '1', unitCost: '7.3333' }, { quantity: '4', unitCost: '2.10' }])).toBe('15.73'); // 15.7333
    expect(costOfGoods([{ quantity: '3', unitCost: '4.005' }])).toBe('12.02'); // 12.015
    // Three lines of 0.0033 each: rounded per line 0.00, summed first 0.0099 -> 0.01.
    expect(costOfGoods([1, 2, 3].map(() => ({ quantity: '1', unitCost: '0.0033' })))).toBe('0.01');
    expect(costOfGoods([{ quantity: '5', unitCost: '0' }])).toBe('0.00');
  });

  it('posts cost of goods as Dr 5000 / Cr 1200, balanced', () => {
    expect(costOfGoodsPostings('15.73')).toEqual([
      { account: '5000', debit: '15.73' },
      { account: '1200', credit: '15.73' },
    ]);
    fc.assert(fc.property(fc.integer({ min: 1, max: 10 ** 12 }), (cents) => isBalanced(costOfGoodsPostings(dec(cents).div(100).toFixed(2)))));
  });

  it('one invoice line per shipped line: "sku name", the shipped quantity, the order line price and discount, the tenant tax rate', () => {
    const shipped = [
      { productId: 'p1', sku: 'WIDGET', name: 'Widget', quantity: '1', unitPrice: '19.99', discountPercent: '12.5' },
      { productId: 'p2', sku: 'GADGET', name: 'Gadget', quantity: '4', unitPrice: '4.5', discountPercent: '0' },
    ];
    expect(shipmentInvoiceLines(shipped, '13')).toEqual([
      { description: 'WIDGET Widget', productId: 'p1', quantity: '1', unitPrice: '19.99', discountPercent: '12.5', taxRate: '13', position: 1 },
      { description: 'GADGET Gadget', productId: 'p2', quantity: '4', unitPrice: '4.5', discountPercent: '0', taxRate: '13', position: 2 },
    ]);
  });

  it('an order line shipped in parts bills within a cent per part of the order line amount', () => {
    // Each part and the whole are rounded on their own: n parts differ from the whole by at most
    // (n + 1) x 0.005 (an order's invoices add up to its total only to within those cents).
    const arb = fc.record({
      parts: fc.array(fc.integer({ min: 1, max: 1000 }), { minLength: 1, maxLength: 5 }),
      price: fc.integer({ min: 0, max: 10 ** 7 }),
      discount: fc.integer({ min: 0, max: 10000 }),
    });
    fc.assert(
      fc.property(arb, ({ parts, price, discount }) => {
        const unitPrice = dec(price).div(10000).toFixed(4);
        const percent = dec(discount).div(100).toFixed(2);
        const whole = dec(netAmount(String(parts.reduce((a, b) => a + b, 0)), unitPrice, percent));
        const billed = parts.reduce((sum, q) => sum.plus(netAmount(String(q), unitPrice, percent)), dec(0));
        return billed.minus(whole).abs().lte(dec('0.005').times(parts.length + 1));
      }),
    );
  });
});

describe('event payload checks', () => {
  it('takes well-formed values and names every field that is not', () => {
    const check = new PayloadCheck();
    expect(check.decimal('a', '12.50', { scale: 2 })).toBe('12.50');
    expect(check.day('d', '2026-02-28')).toBe('2026-02-28');
    expect(check.errors).toEqual([]);
    check.decimal('b', 12.5, { scale: 2 });
    check.decimal('c', '1e3', { scale: 2 });
    check.decimal('e', '-1', { scale: 2 });
    check.decimal('f', '0', { scale: 2, exclusiveMin: true });
    check.decimal('g', '1.005', { scale: 2 });
    check.day('h', '2026-02-30');
    check.uuid('i', 'nope');
    check.currency('j', 'USD', 'CNY');
    check.text('k', '  ', 10);
    check.list('l', {}, { min: 1, max: 2 });
    expect(check.errors.map((e) => [e.code, e.field])).toEqual([
      ['INVALID_DECIMAL', ['payload', 'b']],
      ['INVALID_DECIMAL', ['payload', 'c']],
      ['INVALID_DECIMAL', ['payload', 'e']],
      ['OUT_OF_RANGE', ['payload', 'f']],
      ['TOO_PRECISE', ['payload', 'g']],
      ['INVALID_DATE', ['payload', 'h']],
      ['INVALID_ID', ['payload', 'i']],
      ['CURRENCY_MISMATCH', ['payload', 'j']],
      ['INVALID_TEXT', ['payload', 'k']],
      ['INVALID_LIST', ['payload', 'l']],
    ]);
  });
});
