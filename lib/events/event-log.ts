import type { SubgraphName } from '../config.js';
import { DependencyUnavailable } from '../clients/internal-client.js';
import type { EventState, ListedEvent, ReplayFilter } from './admin.js';
import { EVENT_SIGNATURE_HEADER, signDelivery } from './signature.js';

/**
 * The tenant's events across every publisher: each subgraph keeps its own outbox, so the `events`
 * query asks all of them (signed, in parallel) and merges their pages newest first. Ids are
 * UUIDv7, so the id is both the order and the cursor.
 */
export function eventLogAt(opts: {
  adminUrls: Partial<Record<SubgraphName, string>>;
  signingSecret: string;
  timeoutMs?: number;
}) {
  async function ask<T>(subgraph: string, url: string, request: Record<string, unknown>): Promise<T> {
    const body = JSON.stringify(request);
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          [EVENT_SIGNATURE_HEADER]: signDelivery(opts.signingSecret, `${subgraph}/admin`, body),
        },
        body,
        signal: AbortSignal.timeout(opts.timeoutMs ?? 5000),
      });
    } catch (error) {
      throw new DependencyUnavailable(`${subgraph} did not answer: ${(error as Error).message}`);
    }
    if (!response.ok) throw new DependencyUnavailable(`${subgraph} answered ${response.status}`);
    return (await response.json()) as T;
  }
  const sources = Object.entries(opts.adminUrls) as [SubgraphName, string][];

  return {
    /** Up to `size` + 1 events older than `before`, newest first (the one more says another page exists). */
    async list(
      tenantId: string,
      q: {
        size: number;
        before?: string | null;
        type?: string | null;
        since?: string | null;
        state?: EventState | null;
        id?: string | null;
      },
    ) {
      const answers = await Promise.all(
        sources.map(([name, url]) =>
          ask<{ events: ListedEvent[]; totalCount: number }>(name, url, {
            action: 'list',
            tenantId,
            limit: q.size + 1,
            ...q,
          }),
        ),
      );
      const merged = answers.flatMap((a) => a.events).sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
      return { events: merged.slice(0, q.size + 1), totalCount: answers.reduce((n, a) => n + a.totalCount, 0) };
    },
    /** Resets matching dead deliveries wherever they were published; how many were reset. */
    async replay(tenantId: string, filter: ReplayFilter): Promise<number> {
      const answers = await Promise.all(
        sources.map(([name, url]) => ask<{ replayed: number }>(name, url, { action: 'replay', tenantId, ...filter })),
      );
      return answers.reduce((n, a) => n + a.replayed, 0);
    },
  };
}

export type EventLog = ReturnType<typeof eventLogAt>;
