import { ACTIVE_SUBGRAPHS, SUBGRAPHS, type SubgraphName } from './config.js';

/** Where the services a subgraph may reach are listening (from the environment, or a test's free ports). */
export interface Locations {
  signingSecret: string;
  graphqlUrl(name: SubgraphName): string;
  /** A subgraph's `/events` endpoint, where relays deliver and `/events/admin` answers. */
  eventsUrl(name: SubgraphName): string;
}

/** What a subgraph's builder is handed: the secret that signs its calls and where its manifest's peers are. */
export interface Peers {
  signingSecret: string;
  /** The GraphQL endpoint of a subgraph this one calls (one its manifest entry lists). */
  url(name: SubgraphName): string;
  /** Every subgraph's outbox admin endpoint, for the subgraph that serves the event log. */
  eventAdminUrls(): Partial<Record<SubgraphName, string>>;
}

/** The peers of `name`, refusing any the manifest does not say it calls (so the manifest stays true). */
export function peersOf(name: SubgraphName, locations: Locations): Peers {
  const entry: { calls: readonly SubgraphName[]; servesEventLog?: boolean } = SUBGRAPHS[name];
  return {
    signingSecret: locations.signingSecret,
    url(peer) {
      if (!entry.calls.includes(peer)) throw new Error(`${name} does not call ${peer} (lib/config.ts SUBGRAPHS)`);
      return locations.graphqlUrl(peer);
    },
    eventAdminUrls() {
      if (!entry.servesEventLog) throw new Error(`${name} does not serve the event log (lib/config.ts SUBGRAPHS)`);
      return Object.fromEntries(ACTIVE_SUBGRAPHS.map((peer) => [peer, `${locations.eventsUrl(peer)}/admin`]));
    },
  };
}
