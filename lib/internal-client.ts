// TEMPORARY shim while subgraphs move to lib/clients/.
export * from './clients/internal-client.js';
