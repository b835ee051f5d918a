import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { todayUtc } from '../../lib/dates.js';
import { documentSettings } from '../../lib/config.js';
import { loadDocumentManifest, trustedDocuments } from '../../gateway/documents.js';
import { createGateway } from '../../gateway/index.js';
import type { RequestState } from '../../gateway/plugins.js';
import { CUSTOMER_360 } from '../support/customer-360.js';
import { newTenant, startStack, type Stack } from '../support/stack.js';

/**
 * Trusted documents: with PERSISTED_DOCUMENTS, clients send the id of a document of the manifest
 * instead of its text; with TRUSTED_DOCUMENTS_ONLY=true, a user's JWT may send nothing else.
 */
const sha256 = (document: string) => createHash('sha256').update(document).digest('hex');
const CREATE =
  'mutation CreateCustomer($name: String!) { createCustomer(input: {name: $name}) { customer { id } userErrors { code } } }';
const COUNT = 'query CustomerCount { customers { totalCount } }';
const MANIFEST = Object.fromEntries([CUSTOMER_360, CREATE, COUNT].map((d) => [sha256(d), d]));

const dir = mkdtempSync(path.join(tmpdir(), 'documents-'));
const manifestFile = path.join(dir, 'persisted-documents.json');

let stack: Stack;
/** A second gateway over the same subgraphs, with TRUSTED_DOCUMENTS_ONLY=true. */
let trustedOnly: ReturnType<typeof createGateway>;
beforeAll(async () => {
  writeFileSync(manifestFile, JSON.stringify(MANIFEST, null, 2));
  process.env.PERSISTED_DOCUMENTS = manifestFile;
  stack = await startStack();
  process.env.TRUSTED_DOCUMENTS_ONLY = 'true';
  try {
    trustedOnly = createGateway({ secrets: stack.secrets, subgraphUrls: stack.subgraphUrls });
  } finally {
    delete process.env.TRUSTED_DOCUMENTS_ONLY;
  }
});
afterAll(async () => {
  await trustedOnly?.dispose();
  await stack?.close();
  delete process.env.PERSISTED_DOCUMENTS;
  rmSync(dir, { recursive: true, force: true });
});

type Answer = { status: number; data?: any; errors?: [string | undefined, string][] };

/** POSTs `body` to the stack's gateway (or the trusted-only one) as `token`. */
async function post(token: string, body: unknown, gateway: 'stack' | 'trustedOnly' = 'stack'): Promise<Answer> {
  const init = {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json, application/json',
      authorization: `Bearer ${token}`,
    },
    body: JSON.stringify(body),
  };
  const res =
    gateway === 'stack' ? await fetch(stack.gatewayUrl, init) : await trustedOnly.fetch(stack.gatewayUrl, init);
  const json = (await res.json()) as { data?: unknown; errors?: { message: string; extensions?: { code?: string } }[] };
  return { status: res.status, data: json.data, errors: json.errors?.map((e) => [e.extensions?.code, e.message]) };
}

/** A tenant with one customer, and the customer 360 variables for it. */
async function tenantWithCustomer() {
  const token = await stack.token(newTenant('docs'));
  const created = await stack.query(token, CREATE, { name: 'Jingdezhen Ceramics' });
  return { token, variables: { id: created.data.createCustomer.customer.id, asOf: todayUtc() } };
}

describe('trusted documents (PERSISTED_DOCUMENTS)', () => {
  it('runs the customer 360 by documentId, by GET parameter and by Apollo sha256Hash, answering as its text does', async () => {
    const { token, variables } = await tenantWithCustomer();
    const byText = await stack.query(token, CUSTOMER_360, variables);
    expect(byText.status).toBe(200);
    expect(byText.data.customer.name).toBe('Jingdezhen Ceramics');
    const id = sha256(CUSTOMER_360);

    const byId = await post(token, { documentId: id, variables });
    expect(byId).toEqual({ status: 200, data: byText.data, errors: undefined });

    const byHash = await post(token, { variables, extensions: { persistedQuery: { version: 1, sha256Hash: id } } });
    expect(byHash).toEqual({ status: 200, data: byText.data, errors: undefined });

    const search = new URLSearchParams({ documentId: id, variables: JSON.stringify(variables) });
    const byGet = await fetch(`${stack.gatewayUrl}?${search}`, {
      headers: { authorization: `Bearer ${token}`, accept: 'application/graphql-response+json' },
    });
    expect(byGet.status).toBe(200);
    expect((await byGet.json()).data).toEqual(byText.data);
  });

  it('runs a mutation by documentId, and still takes query text from every caller', async () => {
    const token = await stack.token(newTenant('docs'));
    const created = await post(token, { documentId: sha256(CREATE), variables: { name: 'By id' } });
    expect(created.status).toBe(200);
    expect(created.data.createCustomer.userErrors).toEqual([]);
    expect((await stack.query(token, COUNT)).data).toEqual({ customers: { totalCount: 1 } });
  });

  it('answers an unknown id 400 PERSISTED_QUERY_NOT_FOUND, as a documentId and as a sha256Hash', async () => {
    const token = await stack.token(newTenant('docs'));
    const unknown = sha256('{ tenant { id } }');
    for (const body of [
      { documentId: unknown },
      { extensions: { persistedQuery: { version: 1, sha256Hash: unknown } } },
    ]) {
      expect(await post(token, body)).toEqual({
        status: 400,
        data: undefined,
        errors: [['PERSISTED_QUERY_NOT_FOUND', 'No trusted document has this id']],
      });
    }
    expect(await post(token, {})).toEqual({
      status: 400,
      data: undefined,
      errors: [['BAD_REQUEST', 'The request has neither a query nor a documentId']],
    });
  });
});

describe('TRUSTED_DOCUMENTS_ONLY=true', () => {
  it('refuses query text from a JWT with 400 PERSISTED_QUERY_ONLY, running nothing', async () => {
    const token = await stack.token(newTenant('docs'));
    for (const body of [
      { query: CREATE, variables: { name: 'Not trusted' } },
      // Apollo's automatic persisted queries register text with its hash: nothing is registered here.
      {
        query: CREATE,
        variables: { name: 'Not trusted' },
        extensions: { persistedQuery: { version: 1, sha256Hash: sha256(CREATE) } },
      },
    ]) {
      expect(await post(token, body, 'trustedOnly')).toEqual({
        status: 400,
        data: undefined,
        errors: [['PERSISTED_QUERY_ONLY', 'Only trusted documents may be run with this credential: send a documentId']],
      });
    }
    expect((await stack.query(token, COUNT)).data).toEqual({ customers: { totalCount: 0 } });
  });

  it('runs a JWT caller’s trusted documents', async () => {
    const { token, variables } = await tenantWithCustomer();
    const byId = await post(token, { documentId: sha256(CUSTOMER_360), variables }, 'trustedOnly');
    expect(byId.status).toBe(200);
    expect(byId.data).toEqual((await stack.query(token, CUSTOMER_360, variables)).data);
    const unknown = await post(token, { documentId: 'nope' }, 'trustedOnly');
    expect(unknown.status).toBe(400);
    expect(unknown.errors?.[0][0]).toBe('PERSISTED_QUERY_NOT_FOUND');
  });

  it('still takes query text from an API key', async () => {
    const tenant = newTenant('docs');
    const admin = await stack.token(tenant, ['admin', 'crm:read', 'crm:write']);
    const created = await stack.query(
      admin,
      'mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret userErrors { code } } }',
      { input: { name: 'BI export', scopes: ['crm:read', 'crm:write'] } },
    );
    expect(created.data.createApiKey.userErrors).toEqual([]);
    const key: string = created.data.createApiKey.secret;
    const made = await post(key, { query: CREATE, variables: { name: 'By key' } }, 'trustedOnly');
    expect(made.status).toBe(200);
    expect(made.data.createCustomer.userErrors).toEqual([]);
    expect(await post(key, { query: COUNT }, 'trustedOnly')).toEqual({
      status: 200,
      data: { customers: { totalCount: 1 } },
      errors: undefined,
    });
  });

  it('decides by the caller’s kind: API keys may send documents, users and unknown callers not', () => {
    const states = new WeakMap<Request, RequestState>();
    const option = trustedDocuments({ documents: new Map(), trustedOnly: true, states });
    const allows = (kind?: 'USER' | 'API_KEY') => {
      const request = new Request('http://gateway/graphql');
      if (kind)
        states.set(request, {
          requestId: 'r',
          started: 0,
          clientIp: null,
          caller: { tenantId: 't', userId: 'u', scopes: [], exp: 0, kind },
        });
      return (option.allowArbitraryDocuments as (request: Request) => boolean)(request);
    };
    expect([allows('API_KEY'), allows('USER'), allows()]).toEqual([true, false, false]);
    const open = trustedDocuments({ documents: new Map(), trustedOnly: false, states });
    expect((open.allowArbitraryDocuments as (request: Request) => boolean)(new Request('http://gateway/graphql'))).toBe(
      true,
    );
  });
});

describe('the manifest and its settings', () => {
  const write = (content: string) => {
    const file = path.join(dir, `${Math.random().toString(36).slice(2)}.json`);
    writeFileSync(file, content);
    return file;
  };

  it('reads every document of a manifest, and refuses a broken one at start', () => {
    expect([...loadDocumentManifest(manifestFile).keys()]).toEqual(Object.keys(MANIFEST));
    expect(() => loadDocumentManifest(write('{"a": '))).toThrow(/PERSISTED_DOCUMENTS: cannot read .* as JSON/);
    expect(() => loadDocumentManifest(write('["{ tenant { id } }"]'))).toThrow(/must be a JSON object of document id/);
    expect(() => loadDocumentManifest(write('{"a": 1}'))).toThrow(
      'PERSISTED_DOCUMENTS: the document "a" is not a string',
    );
    expect(() => loadDocumentManifest(write('{"a": "{ tenant { id }"}'))).toThrow(
      /PERSISTED_DOCUMENTS: the document "a" is not valid GraphQL/,
    );
    expect(() => loadDocumentManifest(path.join(dir, 'missing.json'))).toThrow(/cannot read/);
  });

  it('needs a manifest for TRUSTED_DOCUMENTS_ONLY=true, and true or false', () => {
    const saved = { ...process.env };
    try {
      delete process.env.PERSISTED_DOCUMENTS;
      process.env.TRUSTED_DOCUMENTS_ONLY = 'true';
      expect(() => documentSettings()).toThrow('TRUSTED_DOCUMENTS_ONLY=true needs PERSISTED_DOCUMENTS');
      process.env.PERSISTED_DOCUMENTS = manifestFile;
      expect(documentSettings()).toEqual({ manifest: manifestFile, trustedOnly: true });
      process.env.TRUSTED_DOCUMENTS_ONLY = 'yes';
      expect(() => documentSettings()).toThrow('TRUSTED_DOCUMENTS_ONLY must be true or false, got "yes"');
      delete process.env.TRUSTED_DOCUMENTS_ONLY;
      delete process.env.PERSISTED_DOCUMENTS;
      expect(documentSettings()).toEqual({ manifest: undefined, trustedOnly: false });
    } finally {
      process.env.PERSISTED_DOCUMENTS = saved.PERSISTED_DOCUMENTS;
      if (saved.TRUSTED_DOCUMENTS_ONLY === undefined) delete process.env.TRUSTED_DOCUMENTS_ONLY;
    }
  });
});
