/**
 * Numbers of documents people read, per tenant and sequence: SO-000123, SH-000004, Q-000017,
 * INV-2026-000045 (`prefix` may carry a year). `parseDocumentNumber` reads them back.
 */
export const documentNumber = (prefix: string, n: number) => `${prefix}-${String(n).padStart(6, '0')}`;

/** "SO-000123" -> 123 for prefix "SO" (any case, padding optional); anything else -> null. */
export function parseDocumentNumber(prefix: string, text: string): number | null {
  const match = text
    .trim()
    .toUpperCase()
    .match(new RegExp(`^${prefix}-(\\d{1,9})$`));
  return match ? Number(match[1]) : null;
}
