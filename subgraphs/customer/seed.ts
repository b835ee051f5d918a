import { DAY_MS as DAY } from '../../lib/dates.js';
import type { Queryable } from '../../lib/db.js';
import { uuidv7 } from '../../lib/ids.js';
import { customFieldDefinitions, contacts, customers, interactions, serviceTickets, tenants } from './db/schema.js';

const companies = [
  {
    name: 'Hangzhou Lakeside Tea Co.',
    industry: 'Food & beverage',
    city: 'Hangzhou',
    region: 'Zhejiang',
    segment: 'SMB',
    tags: ['tea', 'repeat-buyer'],
    tier: 'gold',
  },
  {
    name: 'Shenzhen Brightline Electronics',
    industry: 'Electronics',
    city: 'Shenzhen',
    region: 'Guangdong',
    segment: 'Mid-market',
    tags: ['electronics', 'key-account'],
    tier: 'platinum',
  },
  {
    name: 'Chengdu Panda Outdoor',
    industry: 'Retail',
    city: 'Chengdu',
    region: 'Sichuan',
    segment: 'SMB',
    tags: ['retail'],
    tier: 'silver',
  },
  {
    name: 'Suzhou Silkworks',
    industry: 'Textiles',
    city: 'Suzhou',
    region: 'Jiangsu',
    segment: 'SMB',
    tags: ['textiles', 'export'],
    tier: 'gold',
  },
  {
    name: 'Qingdao Harbour Logistics',
    industry: 'Logistics',
    city: 'Qingdao',
    region: 'Shandong',
    segment: 'Mid-market',
    tags: ['logistics'],
    tier: 'silver',
  },
  {
    name: 'Xiamen Blue Ocean Foods',
    industry: 'Food & beverage',
    city: 'Xiamen',
    region: 'Fujian',
    segment: 'SMB',
    tags: ['food', 'at-risk'],
    tier: 'bronze',
  },
  {
    name: 'Wuhan Riverside Machinery',
    industry: 'Manufacturing',
    city: 'Wuhan',
    region: 'Hubei',
    segment: 'Enterprise',
    tags: ['manufacturing', 'key-account'],
    tier: 'platinum',
  },
  {
    name: 'Nanjing Jade Pharmacy',
    industry: 'Healthcare',
    city: 'Nanjing',
    region: 'Jiangsu',
    segment: 'SMB',
    tags: ['healthcare'],
    tier: 'silver',
  },
  {
    name: 'Guangzhou Canton Furniture',
    industry: 'Furniture',
    city: 'Guangzhou',
    region: 'Guangdong',
    segment: 'Mid-market',
    tags: ['furniture', 'export'],
    tier: 'gold',
  },
  {
    name: 'Kunming Spring Florists',
    industry: 'Retail',
    city: 'Kunming',
    region: 'Yunnan',
    segment: 'SMB',
    tags: ['retail', 'seasonal'],
    tier: 'bronze',
  },
];

const people = [
  'Li Wei',
  'Zhang Min',
  'Wang Fang',
  'Chen Jie',
  'Liu Yang',
  'Huang Lei',
  'Zhao Jing',
  'Wu Hao',
  'Zhou Lin',
  'Xu Ting',
];
const roles = ['DECISION_MAKER', 'INFLUENCER', 'PROCUREMENT', 'FINANCE', 'USER'];
const reps = ['rep-alice', 'rep-bob', 'rep-chen'];

/** The demo tenant's CRM master data: companies and a person, contacts, a history, tickets. */
export async function seedCustomers(tx: Queryable, tenantId: string, now = Date.now()): Promise<string[]> {
  await tx.insert(tenants).values({ id: tenantId }).onConflictDoNothing();
  await tx.insert(customFieldDefinitions).values([
    {
      tenantId,
      entity: 'CUSTOMER',
      key: 'tier',
      label: 'Account tier',
      type: 'SELECT',
      options: ['bronze', 'silver', 'gold', 'platinum'],
      required: false,
    },
    {
      tenantId,
      entity: 'CUSTOMER',
      key: 'employees',
      label: 'Employees',
      type: 'NUMBER',
      options: [],
      required: false,
    },
    {
      tenantId,
      entity: 'CUSTOMER',
      key: 'contractRenewal',
      label: 'Contract renewal',
      type: 'DATE',
      options: [],
      required: false,
    },
  ]);
  const ids: string[] = [];
  for (const [i, c] of companies.entries()) {
    const id = uuidv7(now - (400 - i * 30) * DAY);
    ids.push(id);
    const slug = c.name.toLowerCase().split(' ').slice(0, 2).join('-');
    const created = new Date(now - (400 - i * 30) * DAY);
    await tx.insert(customers).values({
      tenantId,
      id,
      name: c.name,
      kind: 'COMPANY',
      industry: c.industry,
      email: `sales@${slug}.cn`,
      phone: `+86 ${20 + i} ${5550100 + i}`,
      website: `https://www.${slug}.cn/`,
      city: c.city,
      region: c.region,
      country: 'CN',
      ownerId: reps[i % reps.length],
      tags: c.tags,
      segment: c.segment,
      customFields: {
        tier: c.tier,
        employees: String(20 + i * 35),
        contractRenewal: new Date(now + (i * 20 + 10) * DAY).toISOString().slice(0, 10),
      },
      createdAt: created,
      updatedAt: created,
    });
    const contactIds = [0, 1].map((k) => uuidv7(created.getTime() + k));
    await tx.insert(contacts).values(
      contactIds.map((cid, k) => ({
        tenantId,
        id: cid,
        customerId: id,
        name: people[(i + k * 3) % people.length],
        title: k === 0 ? 'General Manager' : 'Purchasing Lead',
        email: `${people[(i + k * 3) % people.length].toLowerCase().replace(' ', '.')}@${slug}.cn`,
        phone: `+86 138 0000 ${1000 + i * 2 + k}`,
        decisionRole: roles[(i + k) % roles.length],
        isPrimary: k === 0,
        createdAt: created,
      })),
    );
    await tx.insert(interactions).values(
      [3, 2, 1].map((n, k) => ({
        tenantId,
        id: uuidv7(now - n * 17 * DAY - i),
        customerId: id,
        kind: ['CALL', 'EMAIL', 'MEETING'][k],
        occurredAt: new Date(now - n * 17 * DAY - i * 3_600_000),
        summary: ['Intro call about spring orders', 'Sent updated price list', 'Quarterly review on site'][k],
        authorId: reps[i % reps.length],
        contactId: contactIds[k % 2],
      })),
    );
    if (i % 2 === 0) {
      const opened = now - (10 + i) * DAY;
      await tx.insert(serviceTickets).values([
        {
          tenantId,
          id: uuidv7(opened),
          customerId: id,
          subject: 'Late delivery of last order',
          description: 'Two cartons arrived a week late.',
          status: 'CLOSED',
          priority: 'HIGH',
          openedAt: new Date(opened),
          resolvedAt: new Date(opened + 2 * DAY),
          satisfactionScore: 3 + (i % 3),
          satisfactionAt: new Date(opened + 3 * DAY),
        },
        {
          tenantId,
          id: uuidv7(opened + DAY),
          customerId: id,
          subject: 'Invoice address change',
          status: i % 4 === 0 ? 'OPEN' : 'IN_PROGRESS',
          priority: 'NORMAL',
          openedAt: new Date(opened + DAY),
        },
      ]);
    }
  }
  const personId = uuidv7(now - 5 * DAY);
  await tx.insert(customers).values({
    tenantId,
    id: personId,
    name: 'Ma Xiaoling',
    kind: 'PERSON',
    email: 'ma.xiaoling@example.cn',
    phone: '+86 139 1234 5678',
    city: 'Shanghai',
    country: 'CN',
    ownerId: 'rep-alice',
    tags: ['individual'],
    segment: 'Consumer',
    createdAt: new Date(now - 5 * DAY),
    updatedAt: new Date(now - 5 * DAY),
  });
  return [...ids, personId];
}
