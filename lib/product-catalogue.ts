// TEMPORARY shim while subgraphs move to lib/clients/.
export * from './clients/product-catalogue.js';
