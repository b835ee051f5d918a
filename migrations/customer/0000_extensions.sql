-- Trigram search over customers' names, e-mails and phones.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
