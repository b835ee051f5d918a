import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createGateway } from '../../gateway/index.js';
import type { Stack } from './stack.js';

export interface Answer {
  status: number;
  headers: Headers;
  data?: any;
  errors?: { message: string; extensions: Record<string, any> }[];
  extensions?: Record<string, any>;
}

/**
 * Another gateway replica in front of the stack's subgraphs, with its own options (API key cache,
 * cost and rate limits), served over HTTP on a free port as gateway/main.ts serves the real one.
 */
export async function startReplica(stack: Stack, options: Omit<Parameters<typeof createGateway>[0], 'secrets'> = {}) {
  // `subgraphUrls` replaces some of the stack's (a proxy in front of one subgraph).
  const subgraphUrls = { ...stack.subgraphUrls, ...options.subgraphUrls };
  const gateway = createGateway({ secrets: stack.secrets, ...options, subgraphUrls });
  const server = createServer(gateway);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  return {
    url,
    /** Runs an operation as `token`, with the whole answer (extensions included). */
    async query(token: string, query: string, variables?: Record<string, unknown>): Promise<Answer> {
      const res = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/graphql-response+json, application/json',
          authorization: `Bearer ${token}`,
        },
        body: JSON.stringify({ query, variables }),
      });
      return { status: res.status, headers: res.headers, ...((await res.json()) as object) };
    },
    async close() {
      server.close();
      server.closeAllConnections();
      await gateway.dispose();
    },
  };
}
