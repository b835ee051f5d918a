import { DAY_MS as DAY } from '../../lib/dates.js';
import type { Queryable } from '../../lib/db.js';
import { uuidv7 } from '../../lib/ids.js';
import { updateOpportunity } from './db/opportunity-queries.js';
import { allStages, provisionTenant } from './db/queries.js';
import {
  campaigns,
  leads,
  opportunities,
  opportunityLines,
  quoteLines,
  quotes,
  stageHistory,
  tenants,
} from './db/schema.js';
import { eq } from 'drizzle-orm';

/** [title, customer index, owner, amount, stage path, days ago the path started, days between moves, expected close in days] */
type DealSpec = [string, number, string, string, string[], number, number, number];

const deals: DealSpec[] = [
  ['Spring tea order', 0, 'rep-alice', '18600.00', ['Qualification'], 6, 0, 40],
  ['Retail display units', 2, 'rep-chen', '7200.00', ['Qualification', 'Needs analysis'], 25, 9, 55],
  ['Silk scarves export lot', 3, 'rep-alice', '45200.00', ['Qualification', 'Needs analysis', 'Proposal'], 60, 14, 20],
  [
    'Warehouse racking',
    4,
    'rep-bob',
    '98000.00',
    ['Qualification', 'Needs analysis', 'Proposal', 'Negotiation'],
    95,
    18,
    10,
  ],
  [
    'CNC spare parts',
    6,
    'rep-alice',
    '132500.00',
    ['Qualification', 'Needs analysis', 'Proposal', 'Negotiation'],
    120,
    21,
    35,
  ],
  ['Pharmacy shelving', 7, 'rep-bob', '15400.00', ['Qualification', 'Proposal'], 40, 12, 75],
  [
    'Hotel lobby furniture',
    8,
    'rep-chen',
    '64800.00',
    ['Qualification', 'Needs analysis', 'Proposal', 'Negotiation', 'Won'],
    150,
    20,
    -30,
  ],
  [
    'Electronics test rigs',
    1,
    'rep-bob',
    '210000.00',
    ['Qualification', 'Needs analysis', 'Proposal', 'Won'],
    170,
    25,
    -60,
  ],
  ['Seasonal flower boxes', 9, 'rep-chen', '3900.00', ['Qualification', 'Lost'], 110, 8, -90],
  ['Frozen seafood contract', 5, 'rep-alice', '27500.00', ['Qualification', 'Needs analysis', 'Lost'], 80, 15, -40],
  [
    'Autumn tea restock',
    0,
    'rep-alice',
    '12800.00',
    ['Qualification', 'Needs analysis', 'Proposal', 'Won'],
    140,
    16,
    -70,
  ],
  [
    'Outdoor gear fit-out',
    2,
    'rep-chen',
    '22100.00',
    ['Qualification', 'Needs analysis', 'Proposal', 'Negotiation', 'Lost'],
    130,
    17,
    -20,
  ],
];

/** The demo tenant's pipeline: campaigns, leads in every status, deals at every stage with history, quotes. */
export async function seedSales(tx: Queryable, tenantId: string, customerIds: string[], now = Date.now()) {
  await provisionTenant(tx, tenantId);
  const stages = new Map((await allStages(tx, tenantId)).map((s) => [s.name, s]));
  const at = (daysAgo: number) => new Date(now - daysAgo * DAY);
  const dateIn = (days: number) => new Date(now + days * DAY).toISOString().slice(0, 10);

  const campaignIds = [uuidv7(), uuidv7(), uuidv7()];
  await tx.insert(campaigns).values([
    {
      tenantId,
      id: campaignIds[0],
      name: 'Canton Fair spring 2026',
      channel: 'TRADE_SHOW',
      startsOn: '2026-04-15',
      endsOn: '2026-04-19',
      spend: '48000.00',
      createdAt: at(230),
    },
    {
      tenantId,
      id: campaignIds[1],
      name: 'WeChat mini-program ads Q3',
      channel: 'ONLINE_ADS',
      startsOn: '2026-07-01',
      endsOn: '2026-09-30',
      spend: '15500.00',
      createdAt: at(150),
    },
    {
      tenantId,
      id: campaignIds[2],
      name: 'Customer referral rewards',
      channel: 'REFERRAL',
      startsOn: '2026-01-01',
      endsOn: null,
      spend: '6000.00',
      createdAt: at(330),
    },
  ]);

  const opportunityIds: string[] = [];
  for (const [title, customer, owner, amount, path, startedDaysAgo, step, closeIn] of deals) {
    const id = uuidv7(now - startedDaysAgo * DAY);
    opportunityIds.push(id);
    const final = stages.get(path.at(-1)!)!;
    const closed = final.kind !== 'OPEN';
    const lastMove = at(startedDaysAgo - step * (path.length - 1));
    await tx.insert(opportunities).values({
      tenantId,
      id,
      title,
      customerId: customerIds[customer],
      ownerId: owner,
      stageId: final.id,
      status: closed ? final.kind : 'OPEN',
      manualAmount: amount,
      amount,
      currency: 'CNY',
      expectedCloseDate: dateIn(closeIn),
      nextFollowUpAt: closed ? null : at(-((customer % 5) - 2)),
      lostReason: final.kind === 'LOST' ? 'Chose a cheaper supplier' : null,
      createdAt: at(startedDaysAgo),
      updatedAt: lastMove,
      closedAt: closed ? lastMove : null,
    });
    await tx.insert(stageHistory).values(
      path.map((name, i) => ({
        tenantId,
        id: uuidv7(),
        opportunityId: id,
        stageId: stages.get(name)!.id,
        enteredAt: at(startedDaysAgo - step * i),
        leftAt: i < path.length - 1 ? at(startedDaysAgo - step * (i + 1)) : null,
      })),
    );
  }

  // Lines on the silk deal and the racking deal; amounts follow from the lines.
  const lineSets: [number, [string, string, string, string][]][] = [
    [
      2,
      [
        ['Silk scarf, printed', '400', '85.00', '5'],
        ['Silk scarf, plain', '200', '62.50', '0'],
      ],
    ],
    [
      3,
      [
        ['Pallet racking bay', '40', '2150.00', '2.5'],
        ['Installation', '1', '12000.00', '0'],
      ],
    ],
  ];
  for (const [index, lines] of lineSets) {
    const opportunityId = opportunityIds[index];
    await tx.insert(opportunityLines).values(
      lines.map(([description, quantity, unitPrice, discountPercent], position) => ({
        tenantId,
        id: uuidv7(),
        opportunityId,
        description,
        quantity,
        unitPrice,
        discountPercent,
        position: position + 1,
      })),
    );
    await updateOpportunity(tx, tenantId, opportunityId);
  }

  // Quotes: one sent on the silk deal, one draft on the racking deal.
  let number = 0;
  for (const [index, status] of [
    [2, 'SENT'],
    [3, 'DRAFT'],
  ] as const) {
    const quoteId = uuidv7();
    number += 1;
    await tx.insert(quotes).values({
      tenantId,
      id: quoteId,
      number,
      opportunityId: opportunityIds[index],
      status,
      validUntil: dateIn(30),
      currency: 'CNY',
      createdAt: at(5),
      sentAt: status === 'SENT' ? at(4) : null,
    });
    await tx.insert(quoteLines).values(
      lineSets
        .find(([i]) => i === index)![1]
        .map(([description, quantity, unitPrice, discountPercent], position) => ({
          tenantId,
          id: uuidv7(),
          quoteId,
          description,
          quantity,
          unitPrice,
          discountPercent,
          position: position + 1,
        })),
    );
  }
  await tx.update(tenants).set({ quoteSeq: number }).where(eq(tenants.id, tenantId));

  const leadSpecs: [string, string | null, string, string, number | null, number][] = [
    ['Zhou Xun', 'Harbin Ice Crafts', 'TRADE_SHOW', 'NEW', 0, 3],
    ['Sun Li', 'Dalian Marine Supply', 'CAMPAIGN', 'CONTACTED', 1, 12],
    ['Guo Jing', null, 'WEBSITE', 'NEW', null, 1],
    ['Lin Yue', 'Ningbo Port Tools', 'REFERRAL', 'QUALIFIED', 2, 20],
    ['He Ping', 'Lanzhou Noodle House', 'COLD_CALL', 'DISQUALIFIED', null, 45],
    ['Tang Wei', 'Xi’an Terracotta Gifts', 'TRADE_SHOW', 'CONTACTED', 0, 9],
    ['Fang Hua', 'Hefei Solar Parts', 'CAMPAIGN', 'NEW', 1, 2],
    ['Qian Duo', 'Fuzhou Tea Traders', 'REFERRAL', 'CONVERTED', 2, 150],
  ];
  await tx.insert(leads).values(
    leadSpecs.map(([name, company, source, status, campaign, daysAgo], i) => ({
      tenantId,
      id: uuidv7(now - daysAgo * DAY),
      name,
      company,
      source,
      status,
      campaignId: campaign === null ? null : campaignIds[campaign],
      email: `${name.toLowerCase().replace(' ', '.')}@example.cn`,
      ownerId: ['rep-alice', 'rep-bob', 'rep-chen'][i % 3],
      assignedAt: at(daysAgo),
      disqualifiedReason: status === 'DISQUALIFIED' ? 'No budget this year' : null,
      nextFollowUpAt: status === 'NEW' || status === 'CONTACTED' || status === 'QUALIFIED' ? at(1 - i) : null,
      createdAt: at(daysAgo),
      updatedAt: at(daysAgo),
      ...(status === 'CONVERTED'
        ? { convertedAt: at(daysAgo - 2), customerId: customerIds[0], opportunityId: opportunityIds[10] }
        : {}),
    })),
  );
}
