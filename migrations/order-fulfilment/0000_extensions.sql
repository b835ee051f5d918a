-- Trigram search over products (each subgraph may live in its own database).
CREATE EXTENSION IF NOT EXISTS pg_trgm;
