import type { BaseContext } from '../context.js';
import { notFound, type UserError } from '../errors.js';
import { isUuid } from '../ids.js';
import { existingEntities, internalClient, type InternalCall } from './internal-client.js';

/** What other subgraphs need from order-fulfilment's catalogue, asked over signed internal calls. */
export function productCatalogue(call: InternalCall) {
  return {
    /** The subset of `ids` that are products of the caller's tenant. */
    existing: (ctx: BaseContext, ids: string[]) => existingEntities(call, ctx, ['fulfilment:read'], 'Product', ids),
  };
}

export type ProductCatalogue = ReturnType<typeof productCatalogue>;

export const productCatalogueAt = (opts: { fulfilmentUrl: string; signingSecret: string }) =>
  productCatalogue(
    internalClient({ url: opts.fulfilmentUrl, signingSecret: opts.signingSecret, audience: 'order-fulfilment' }),
  );

/**
 * Checks a product id before a mutation opens its transaction: NOT_FOUND at `field` for a product
 * the tenant's catalogue does not have (a malformed id is the caller's shape check).
 */
export async function missingProduct(
  catalogue: ProductCatalogue,
  ctx: BaseContext,
  productId: string | null | undefined,
  field: string[],
): Promise<UserError[]> {
  if (!productId || !isUuid(productId)) return [];
  return (await catalogue.existing(ctx, [productId])).has(productId) ? [] : [notFound('Product', field)];
}
