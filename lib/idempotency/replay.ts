import type { GraphQLObjectType, GraphQLOutputType, GraphQLResolveInfo } from 'graphql';

// Types are told apart by their tag, never with graphql-js's instanceof checks: under vitest the
// subgraph's schema and this file may load different copies of graphql-js (ESM and CommonJS).
const tag = (type: unknown) => (type as { [Symbol.toStringTag]?: string })[Symbol.toStringTag];
const getNullableType = (type: GraphQLOutputType): GraphQLOutputType =>
  tag(type) === 'GraphQLNonNull' ? (type as { ofType: GraphQLOutputType }).ofType : type;
const isListType = (type: GraphQLOutputType): type is GraphQLOutputType & { ofType: GraphQLOutputType } =>
  tag(type) === 'GraphQLList';
const isObjectType = (type: unknown): type is GraphQLObjectType => tag(type) === 'GraphQLObjectType';
const getNamedType = (type: GraphQLOutputType): GraphQLOutputType => {
  let named = type;
  while ('ofType' in named && named.ofType) named = named.ofType as GraphQLOutputType;
  return named;
};

/*
 * A mutation's payload kept to answer a retry: its entities (types with __resolveReference) as
 * references, read again when answering, and everything else as JSON. The entity then comes back
 * as it is now, built by the subgraph's own resolvers, rather than as a copy that could drift from
 * the schema's shape.
 */

const REF = '__ref';

type ResolveReference = (ref: { __typename: string; id: string }, ctx: unknown, info: GraphQLResolveInfo) => unknown;

const resolveReferenceOf = (type: GraphQLObjectType): ResolveReference | undefined =>
  (type.extensions as { apollo?: { subgraph?: { resolveReference?: ResolveReference } } }).apollo?.subgraph
    ?.resolveReference;

const asJson = (value: unknown): unknown => JSON.parse(JSON.stringify(value ?? null));
const isRecord = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object';

/** `value` (a resolver's result, of GraphQL type `type`) as JSON with its entities as references. */
export async function outcomeOf(value: unknown, type: GraphQLOutputType): Promise<unknown> {
  const resolved = await value;
  if (resolved === null || resolved === undefined) return null;
  const nullable = getNullableType(type);
  if (isListType(nullable) && Array.isArray(resolved))
    return Promise.all(resolved.map((item) => outcomeOf(item, nullable.ofType)));
  if (!isObjectType(nullable) || !isRecord(resolved)) return asJson(resolved);
  if (resolveReferenceOf(nullable) && typeof resolved.id === 'string') return { [REF]: resolved.id };
  const fields = nullable.getFields();
  const entries = await Promise.all(
    Object.entries(resolved).map(async ([name, v]) => [
      name,
      fields[name] ? await outcomeOf(v, fields[name].type) : asJson(v),
    ]),
  );
  return Object.fromEntries(entries);
}

const referenced = (type: GraphQLObjectType, id: string, ctx: unknown, info: GraphQLResolveInfo) => {
  const ref = { __typename: type.name, id };
  return resolveReferenceOf(type)?.(ref, ctx, info) ?? ref;
};

/** The resolver's result again, from what outcomeOf kept. */
export async function fromOutcome(
  value: unknown,
  type: GraphQLOutputType,
  ctx: unknown,
  info: GraphQLResolveInfo,
): Promise<unknown> {
  if (value === null || value === undefined) return null;
  const nullable = getNullableType(type);
  if (isListType(nullable) && Array.isArray(value))
    return Promise.all(value.map((item) => fromOutcome(item, nullable.ofType, ctx, info)));
  if (!isObjectType(nullable) || !isRecord(value)) return value;
  if (typeof value[REF] === 'string') return referenced(nullable, value[REF], ctx, info);
  const fields = nullable.getFields();
  const entries = await Promise.all(
    Object.entries(value).map(async ([name, v]) => [
      name,
      fields[name] ? await fromOutcome(v, fields[name].type, ctx, info) : v,
    ]),
  );
  return Object.fromEntries(entries);
}

/**
 * A payload from the ids its change touched, when the process died between the commit and keeping
 * the payload: each field of an entity type gets the ids that are of that type, userErrors none.
 */
export async function fromEntityIds(
  ids: string[],
  type: GraphQLOutputType,
  ctx: unknown,
  info: GraphQLResolveInfo,
): Promise<unknown> {
  const payload = getNullableType(type);
  if (!isObjectType(payload)) return null;
  const ofType = async (entity: GraphQLObjectType) =>
    (await Promise.all(ids.map((id) => referenced(entity, id, ctx, info)))).filter(Boolean);
  if (resolveReferenceOf(payload)) return (await ofType(payload))[0] ?? null;
  const entries = await Promise.all(
    Object.entries(payload.getFields()).map(async ([name, field]) => {
      const list = isListType(getNullableType(field.type));
      const named = getNamedType(field.type);
      if (!isObjectType(named) || !resolveReferenceOf(named)) return [name, list ? [] : null];
      const found = await ofType(named);
      return [name, list ? found : (found[0] ?? null)];
    }),
  );
  return Object.fromEntries(entries);
}
