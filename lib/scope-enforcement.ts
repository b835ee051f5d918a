import { defaultFieldResolver, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql';
import { forbidden } from './errors.js';
import type { BaseContext } from './context.js';

type ScopeRequirement = string[][];
type ReferenceResolver = (ref: any, context: BaseContext, info: any) => unknown;

function scopesOf(
  node: { astNode?: any; extensionASTNodes?: readonly any[] } | undefined | null,
): ScopeRequirement | null {
  const nodes = [node?.astNode, ...(node?.extensionASTNodes ?? [])].filter(Boolean);
  for (const n of nodes) {
    const directive = n.directives?.find((d: any) => d.name.value === 'requiresScopes');
    const arg = directive?.arguments?.find((a: any) => a.name.value === 'scopes');
    if (arg?.value.kind === 'ListValue') {
      return arg.value.values.map((inner: any) => inner.values.map((v: any) => v.value as string));
    }
  }
  return null;
}

const satisfies = (have: ReadonlySet<string>, required: ScopeRequirement) =>
  required.some((all) => all.every((s) => have.has(s)));

/**
 * Defence in depth: the gateway enforces `@requiresScopes` before any subgraph is called, and each
 * subgraph enforces the same SDL directives again on its entry points (root fields and entity
 * references), so a request that bypassed the gateway's checks still gets FORBIDDEN.
 */
export function enforceScopes(schema: GraphQLSchema): GraphQLSchema {
  const guard = (required: ScopeRequirement, resolve: GraphQLFieldResolver<any, BaseContext>, what: string) =>
    ((source: any, args: any, context: BaseContext, info: any) => {
      if (!satisfies(context.scopes, required))
        throw forbidden(`Missing scope for ${what}: ${required.map((s) => s.join(' and ')).join(' or ')}`);
      return resolve(source, args, context, info);
    }) as GraphQLFieldResolver<any, BaseContext>;

  // Every field with its own @requiresScopes: root fields, and fields such as Product.unitCost or
  // the fields a subgraph adds to another's entity (Customer.receivables).
  for (const type of Object.values(schema.getTypeMap())) {
    if (!('getFields' in type) || !('getInterfaces' in type) || type.name.startsWith('__')) continue;
    for (const field of Object.values((type as import('graphql').GraphQLObjectType).getFields())) {
      const required = scopesOf(field);
      if (required)
        field.resolve = guard(required, field.resolve ?? defaultFieldResolver, `${type.name}.${field.name}`);
    }
  }
  for (const type of Object.values(schema.getTypeMap())) {
    // Duck-typed: @apollo/subgraph may load another copy of graphql-js, where instanceof fails.
    if (!('getInterfaces' in type) || type.name.startsWith('__')) continue;
    // @apollo/subgraph keeps an entity's __resolveReference in the type's extensions.
    const subgraphExtensions = (type.extensions as { apollo?: { subgraph?: { resolveReference?: ReferenceResolver } } })
      .apollo?.subgraph;
    const required = scopesOf(type);
    const original = subgraphExtensions?.resolveReference;
    if (required && subgraphExtensions && original) {
      subgraphExtensions.resolveReference = (ref, context, info) => {
        if (!satisfies(context.scopes, required)) throw forbidden(`Missing scope for ${type.name}`);
        return original(ref, context, info);
      };
    }
  }
  return schema;
}
