import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dec } from '../../lib/money.js';
import { FieldCheck } from '../../lib/check.js';
import {
  costOfGoods,
  costOfGoodsPostings,
  isBalanced,
  netAmount,
  shipmentInvoiceLines,
} from '../../subgraphs/finance/rules.js';

/** Finance's rules for shipments, as plain functions (the numbers are worked out by hand). */
describe('shipment rules', () => {
  it('net amount: quantity x unit price less the discount, rounded half-up to the cent', () => {
    expect(netAmount('3', '19.99', '12.5')).toBe('52.47'); // 52.47375
    expect(netAmount('1', '19.99', '12.5')).toBe('17.49'); // 17.49125
    expect(netAmount('1', '0.05', '10')).toBe('0.05'); // 0.045 -> half-up
    expect(netAmount('2.5', '0.3333', '0')).toBe('0.83'); // 0.83325
    expect(netAmount('7', '12.34', '100')).toBe('0.00');
    expect(netAmount('0.0001', '0.0001', '0')).toBe('0.00');
    // Nothing billed before: the same as the order line's own rounding (manual invoice lines).
    expect(netAmount('3', '19.99', '12.5', '0')).toBe('52.47');
  });

  it('a part of an order line bills the rounded amount up to and including it less the rounded amount before it', () => {
    // 2 x 12.30 x 87.5% = 21.525 -> 21.53; all 4: 43.05. The second 2 bill 43.05 - 21.53 = 21.52
    // (rounded on their own they would make 21.53 again: 43.06, a cent more than the order line).
    expect(netAmount('2', '12.30', '12.5')).toBe('21.53');
    expect(netAmount('2', '12.30', '12.5', '2')).toBe('21.52');
    expect(netAmount('4', '12.30', '12.5')).toBe('43.05');
    // 1 x 10.005 = 10.005 -> 10.01; 2 x 10.005 = 20.01; the second unit bills 10.00.
    expect(netAmount('1', '10.005', '0', '1')).toBe('10.00');
    // A part whose value the rounding up of the parts before it already billed bills nothing:
    // 1 x 0.005 -> 0.01; 2 x 0.005 = 0.01; the second unit bills 0.01 - 0.01 = 0.00 (not 0.01).
    expect(netAmount('1', '0.005', '0', '1')).toBe('0.00');
  });

  it('cost of goods: the exact sum of quantity x unit cost, rounded half-up once', () => {
    expect(
      costOfGoods([
        { quantity: '1', unitCost: '7.3333' },
        { quantity: '4', unitCost: '2.10' },
      ]),
    ).toBe('15.73'); // 15.7333
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
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10 ** 12 }), (cents) =>
        isBalanced(costOfGoodsPostings(dec(cents).div(100).toFixed(2))),
      ),
    );
  });

  it('one invoice line per shipped line: "sku name", the shipped quantity, the order line price and discount, what shipped of it before, the tenant tax rate', () => {
    const shipped = [
      {
        productId: 'p1',
        sku: 'WIDGET',
        name: 'Widget',
        quantity: '1',
        unitPrice: '19.99',
        discountPercent: '12.5',
        shippedBefore: '2',
      },
      {
        productId: 'p2',
        sku: 'GADGET',
        name: 'Gadget',
        quantity: '4',
        unitPrice: '4.5',
        discountPercent: '0',
        shippedBefore: '0',
      },
    ];
    expect(shipmentInvoiceLines(shipped, '13')).toEqual([
      {
        description: 'WIDGET Widget',
        productId: 'p1',
        quantity: '1',
        unitPrice: '19.99',
        discountPercent: '12.5',
        billedBefore: '2',
        taxRate: '13',
        position: 1,
      },
      {
        description: 'GADGET Gadget',
        productId: 'p2',
        quantity: '4',
        unitPrice: '4.5',
        discountPercent: '0',
        billedBefore: '0',
        taxRate: '13',
        position: 2,
      },
    ]);
  });

  it('an order line shipped in any parts bills exactly its amount, never more at any point, no part below zero', () => {
    // Quantities and prices with up to 4 decimals, discounts with up to 2, as orders hold them.
    const arb = fc.record({
      parts: fc.array(fc.integer({ min: 1, max: 10 ** 7 }), { minLength: 1, maxLength: 8 }),
      price: fc.integer({ min: 0, max: 10 ** 8 }),
      discount: fc.integer({ min: 0, max: 10000 }),
    });
    fc.assert(
      fc.property(arb, ({ parts, price, discount }) => {
        const unitPrice = dec(price).div(10000).toFixed(4);
        const percent = dec(discount).div(100).toFixed(2);
        let before = dec(0);
        let billed = dec(0);
        for (const part of parts) {
          const quantity = dec(part).div(10000).toFixed(4);
          const amount = dec(netAmount(quantity, unitPrice, percent, before.toFixed(4)));
          if (amount.lt(0)) return false;
          before = before.plus(quantity);
          billed = billed.plus(amount);
          // After every part, what was billed is exactly the order line amount of what shipped so far.
          if (!billed.eq(netAmount(before.toFixed(4), unitPrice, percent))) return false;
        }
        return true;
      }),
      { numRuns: 2000 },
    );
  });

  it('rounding each part on its own would bill more than the order line: the case cumulative rounding exists for', () => {
    // Parts of 2 + 2 at 12.30 less 12.5%: 21.53 + 21.53 = 43.06 on their own, the order line is 43.05.
    const alone = dec(netAmount('2', '12.30', '12.5')).plus(netAmount('2', '12.30', '12.5'));
    const cumulative = dec(netAmount('2', '12.30', '12.5', '0')).plus(netAmount('2', '12.30', '12.5', '2'));
    expect([alone.toFixed(2), cumulative.toFixed(2), netAmount('4', '12.30', '12.5')]).toEqual([
      '43.06',
      '43.05',
      '43.05',
    ]);
  });
});

describe('event payload checks', () => {
  it('takes well-formed values and names every field that is not', () => {
    const check = new FieldCheck(['payload']);
    expect(check.decimalText('a', '12.50', { scale: 2 })).toBe('12.50');
    expect(check.day('d', '2026-02-28')).toBe('2026-02-28');
    expect(check.errors).toEqual([]);
    check.decimalText('b', 12.5, { scale: 2 });
    check.decimalText('c', '1e3', { scale: 2 });
    check.decimalText('e', '-1', { scale: 2 });
    check.decimalText('f', '0', { scale: 2, exclusiveMin: true });
    check.decimalText('g', '1.005', { scale: 2 });
    check.day('h', '2026-02-30');
    check.uuid('i', 'nope');
    check.currency('j', 'USD', 'CNY');
    check.someText('k', '  ', 10);
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
