import type {
  GatewayConfigBase,
  GatewayContext,
  GatewayHivePersistedDocumentsOptions,
} from '@graphql-hive/gateway-runtime';
import { createGraphQLError } from '@graphql-tools/utils';
import { parse } from 'graphql';
import { readFileSync } from 'node:fs';
import type { RequestState } from './plugins.js';

/** Document id (the sha256 hex of the document, by convention) -> the document. */
export type DocumentManifest = ReadonlyMap<string, string>;

type PersistedDocumentsOption = Exclude<
  GatewayConfigBase<GatewayContext>['persistedDocuments'],
  GatewayHivePersistedDocumentsOptions | undefined
>;

const refused = (message: string, code: string) =>
  createGraphQLError(message, { extensions: { code, http: { status: 400 } } });

/**
 * Reads a manifest `{ "<id>": "<document>" }`. Every document is parsed here, so that a broken
 * manifest stops the gateway at start rather than failing its first caller.
 */
export function loadDocumentManifest(file: string): DocumentManifest {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`PERSISTED_DOCUMENTS: cannot read ${file} as JSON (${(error as Error).message})`);
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new Error(`PERSISTED_DOCUMENTS: ${file} must be a JSON object of document id -> document`);
  }
  const documents = new Map<string, string>();
  for (const [id, document] of Object.entries(raw)) {
    if (typeof document !== 'string') throw new Error(`PERSISTED_DOCUMENTS: the document "${id}" is not a string`);
    try {
      parse(document);
    } catch (error) {
      throw new Error(`PERSISTED_DOCUMENTS: the document "${id}" is not valid GraphQL (${(error as Error).message})`);
    }
    documents.set(id, document);
  }
  return documents;
}

/**
 * The gateway runtime's persisted documents, served from a manifest. A client sends
 * `{"documentId": "<id>", "variables": ...}` (or the id as a GET parameter, or Apollo's
 * `extensions.persistedQuery.sha256Hash`, looked up in the same manifest: nothing is ever
 * registered by a client). With `trustedOnly`, a user's JWT may send nothing but ids; API keys
 * (integrations writing their own queries) may still send documents. The caller is known by then:
 * authentication runs in onRequest, before any parameters are read.
 */
export function trustedDocuments(opts: {
  documents: DocumentManifest;
  trustedOnly: boolean;
  states: WeakMap<Request, RequestState>;
}): PersistedDocumentsOption {
  return {
    getPersistedOperation: (id) => opts.documents.get(id) ?? null,
    allowArbitraryDocuments: (request) => !opts.trustedOnly || opts.states.get(request)?.caller?.kind === 'API_KEY',
    customErrors: {
      notFound: () => refused('No trusted document has this id', 'PERSISTED_QUERY_NOT_FOUND'),
      persistedQueryOnly: () =>
        refused('Only trusted documents may be run with this credential: send a documentId', 'PERSISTED_QUERY_ONLY'),
      keyNotFound: () => refused('The request has neither a query nor a documentId', 'BAD_REQUEST'),
    },
  };
}
