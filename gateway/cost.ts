import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { createGraphQLError } from '@graphql-tools/utils';
import {
  buildASTSchema,
  getNamedType,
  getNullableType,
  getOperationAST,
  isCompositeType,
  isListType,
  isNamedType,
  Kind,
  OperationTypeNode,
  parse,
  valueFromASTUntyped,
  type ConstDirectiveNode,
  type DirectiveNode,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  type SelectionSetNode,
  type TypeNode,
  type ValueNode,
} from 'graphql';
import { DEFAULT_PAGE_SIZE } from '../lib/pagination.js';
import type { Caller } from './auth.js';
import type { Throttle, ThrottleStatus } from './throttle.js';

/**
 * What an operation costs, in points, computed from the document and its variables over the
 * supergraph before anything is planned (the Federation 2.9 / IBM GraphQL cost directive model,
 * as Apollo Router and Hive Router apply it):
 *
 * - A field returning an object, interface or union costs 1; a scalar or enum field 0. A field's
 *   `@cost(weight:)` (or its type's) replaces that 1: reports that aggregate a tenant's data
 *   (`salesFunnel`, `trialBalance` ...) weigh 10. A mutation's root field costs 10.
 * - A list field multiplies its own cost and its selection's by its size: its slicing argument
 *   (`first`/`last`/`limit`, or those its `@listSize(slicingArguments:)` names) from a literal or
 *   a variable, else that argument's SDL default; else `@listSize(assumedSize:)`; else 20 for a
 *   paginated field (the page the subgraphs return when no size is asked for) and 100 for any
 *   other list.
 * - A connection (a `...Connection` type, or `@listSize(sizedFields:)`) costs 1 itself and gives
 *   its size to its `edges` and `nodes`: `customers(first: 50) { nodes { name } }` costs 1 + 50.
 * - Introspection and `__typename` cost nothing; an operation costs at least 1.
 *
 * Lists without pagination carry `@listSize(assumedSize:)` in the SDL (a customer's contacts 10,
 * an order's lines 10 ...); a convention covers the paginated ones, so the SDL stays light.
 *
 * Hive Gateway's own `demandControl` is not used: it costs each subgraph request as the plan runs
 * (onSubgraphExecute), so an operation is refused only once the plan gets there, after other
 * subgraphs may have been called, and it costs the planner's subgraph documents rather than the
 * operation the client sent.
 */
export type CostCalculator = (
  document: DocumentNode,
  operationName?: string | null,
  variables?: Readonly<Record<string, unknown>> | null,
) => number;

/** The size of a list nobody sized: the largest page a client may ask for. */
const DEFAULT_LIST_SIZE = 100;
const MUTATION_FIELD_COST = 10;
const CONVENTIONAL_SLICING = ['first', 'last', 'limit'];
const CONNECTION_FIELDS = ['edges', 'nodes'];
/**
 * Weights of types declared in schema/shared.graphql, which goes in front of every subgraph's SDL
 * (and so can't carry a directive only some subgraphs import): a payload's userErrors are built
 * from its input, with nothing read, so they cost nothing.
 */
const SHARED_TYPE_WEIGHTS: Record<string, number> = { UserError: 0 };
/** Distinct variable values remembered per document, so that odd clients can't grow the cache without end. */
const CACHE_PER_DOCUMENT = 100;

interface FieldCost {
  /** The field's own weight, before its list size. */
  weight: number;
  list: boolean;
  slicing: string[];
  /** Its slicing arguments' SDL defaults. */
  defaults: Record<string, unknown>;
  assumedSize?: number;
  /** Children that take the size (a connection's edges and nodes), instead of the field itself. */
  sizedFields?: string[];
  /** Sized by the first/last/limit convention rather than by a directive. */
  conventional: boolean;
}

type Directives = readonly (DirectiveNode | ConstDirectiveNode)[] | undefined;

function directiveArgs(directives: Directives, name: string): Record<string, unknown> | undefined {
  const directive = directives?.find((d) => d.name.value === name);
  if (!directive) return undefined;
  return Object.fromEntries((directive.arguments ?? []).map((a) => [a.name.value, valueFromASTUntyped(a.value)]));
}

function typeWeight(type: GraphQLNamedType): number | undefined {
  if (type.name in SHARED_TYPE_WEIGHTS) return SHARED_TYPE_WEIGHTS[type.name];
  const nodes = [type.astNode, ...type.extensionASTNodes];
  for (const node of nodes) {
    const weight = directiveArgs(node?.directives, 'cost')?.weight;
    if (typeof weight === 'number') return weight;
  }
  return undefined;
}

function describeField(field: GraphQLField<unknown, unknown>): FieldCost {
  const named = getNamedType(field.type);
  const fieldWeight = directiveArgs(field.astNode?.directives, 'cost')?.weight;
  const weight =
    typeof fieldWeight === 'number' ? fieldWeight : (typeWeight(named) ?? (isCompositeType(named) ? 1 : 0));
  const listSize = directiveArgs(field.astNode?.directives, 'listSize');
  const argNames = field.args.map((a) => a.name);
  const slicing = Array.isArray(listSize?.slicingArguments)
    ? (listSize.slicingArguments as string[])
    : CONVENTIONAL_SLICING.filter((name) => argNames.includes(name));
  const defaults = Object.fromEntries(
    field.args.filter((a) => slicing.includes(a.name)).map((a) => [a.name, a.defaultValue]),
  );
  const isList = isListType(getNullableType(field.type));
  const sizedFields = Array.isArray(listSize?.sizedFields)
    ? (listSize.sizedFields as string[])
    : !isList && named.name.endsWith('Connection')
      ? CONNECTION_FIELDS
      : undefined;
  return {
    weight,
    list: isList,
    slicing,
    defaults,
    assumedSize: typeof listSize?.assumedSize === 'number' ? listSize.assumedSize : undefined,
    sizedFields,
    conventional: !listSize && slicing.length > 0,
  };
}

/** A cost calculator over a supergraph's SDL (its `@cost` and `@listSize` directives included). */
export function createCostCalculator(supergraphSdl: string): CostCalculator {
  const schema: GraphQLSchema = buildASTSchema(parse(supergraphSdl), { assumeValidSDL: true });
  const fieldCosts = new Map<GraphQLField<unknown, unknown>, FieldCost>();
  const describe = (field: GraphQLField<unknown, unknown>) => {
    let described = fieldCosts.get(field);
    if (!described) fieldCosts.set(field, (described = describeField(field)));
    return described;
  };

  function compute(
    document: DocumentNode,
    operationName: string | null | undefined,
    variables: Readonly<Record<string, unknown>>,
  ): number {
    const operation = getOperationAST(document, operationName);
    const root = operation && schema.getRootType(operation.operation);
    if (!operation || !root) return 1;
    const fragments: Record<string, FragmentDefinitionNode> = {};
    for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments[d.name.value] = d;
    const values: Record<string, unknown> = {};
    for (const v of operation.variableDefinitions ?? []) {
      const name = v.variable.name.value;
      values[name] = name in variables ? variables[name] : v.defaultValue && valueFromASTUntyped(v.defaultValue);
    }
    const valueOf = (node: ValueNode) => valueFromASTUntyped(node, values);
    const skipped = (directives: Directives) =>
      valueOf(directives?.find((d) => d.name.value === 'skip')?.arguments?.[0]?.value ?? nullValue) === true ||
      valueOf(directives?.find((d) => d.name.value === 'include')?.arguments?.[0]?.value ?? trueValue) === false;

    const sizeOf = (node: FieldNode, described: FieldCost): number | undefined => {
      let size: number | undefined;
      for (const name of described.slicing) {
        const argument = node.arguments?.find((a) => a.name.value === name);
        const value = argument ? valueOf(argument.value) : undefined;
        if (typeof value === 'number' && Number.isInteger(value) && value >= 0) size = Math.max(size ?? 0, value);
      }
      if (size !== undefined) return size;
      for (const name of described.slicing) {
        const value = described.defaults[name];
        if (typeof value === 'number') size = Math.max(size ?? 0, value);
      }
      return size ?? described.assumedSize ?? (described.conventional ? DEFAULT_PAGE_SIZE : undefined);
    };

    /** `sized`: the size a connection gives to its edges and nodes. */
    const selectionCost = (
      selectionSet: SelectionSetNode,
      parent: GraphQLCompositeType,
      sized: { fields: string[]; size: number } | undefined,
      mutationRoot: boolean,
    ): number => {
      let total = 0;
      for (const selection of selectionSet.selections) {
        if (skipped(selection.directives)) continue;
        if (selection.kind === Kind.FIELD) {
          total += fieldCost(selection, parent, sized, mutationRoot);
        } else {
          const fragment = selection.kind === Kind.INLINE_FRAGMENT ? selection : fragments[selection.name.value];
          if (!fragment) continue;
          const condition = fragment.typeCondition && schema.getType(fragment.typeCondition.name.value);
          const type = condition && isCompositeType(condition) ? condition : parent;
          total += selectionCost(fragment.selectionSet, type, sized, mutationRoot);
        }
      }
      return total;
    };

    const fieldCost = (
      node: FieldNode,
      parent: GraphQLCompositeType,
      sized: { fields: string[]; size: number } | undefined,
      mutationRoot: boolean,
    ): number => {
      if (node.name.value.startsWith('__') || !('getFields' in parent)) return 0;
      const field = parent.getFields()[node.name.value];
      if (!field) return 0;
      const described = describe(field);
      const mutationField = mutationRoot && !(field.astNode?.directives ?? []).some((d) => d.name.value === 'cost');
      const weight = mutationField ? MUTATION_FIELD_COST : described.weight;
      const inherited = sized?.fields.includes(node.name.value) ? sized.size : undefined;
      const size = sizeOf(node, described);
      const named = getNamedType(field.type);
      const childSize = described.sizedFields && { fields: described.sizedFields, size: size ?? DEFAULT_LIST_SIZE };
      const children =
        node.selectionSet && isNamedType(named) && isCompositeType(named)
          ? selectionCost(node.selectionSet, named, childSize, false)
          : 0;
      const factor = inherited ?? (described.list && !described.sizedFields ? (size ?? DEFAULT_LIST_SIZE) : 1);
      return factor * (weight + children);
    };

    const cost = selectionCost(
      operation.selectionSet,
      root,
      undefined,
      operation.operation === OperationTypeNode.MUTATION,
    );
    return Math.max(1, cost);
  }

  // Documents come from the runtime's parse cache, so the same query text is the same object: cost
  // is remembered per document, operation and the values of the variables that can change it.
  const cache = new WeakMap<DocumentNode, Map<string, { keyVariables: string[]; costs: Map<string, number> }>>();
  return (document, operationName, variables) => {
    const vars = variables ?? {};
    let perOperation = cache.get(document);
    if (!perOperation) cache.set(document, (perOperation = new Map()));
    const operationKey = operationName ?? '';
    let entry = perOperation.get(operationKey);
    if (!entry) {
      // Only Int (sizes) and Boolean (@skip/@include) variables change a cost.
      const definitions = getOperationAST(document, operationName)?.variableDefinitions ?? [];
      const keyVariables = definitions
        .filter((v) => ['Int', 'Boolean'].includes(getTypeName(v.type)))
        .map((v) => v.variable.name.value);
      perOperation.set(operationKey, (entry = { keyVariables, costs: new Map() }));
    }
    // An absent variable takes its default; one sent as null does not: the key tells them apart.
    const key = JSON.stringify(entry.keyVariables.map((name) => (name in vars ? vars[name] : 'absent')));
    let cost = entry.costs.get(key);
    if (cost === undefined) {
      cost = compute(document, operationName, vars);
      if (entry.costs.size >= CACHE_PER_DOCUMENT) entry.costs.clear();
      entry.costs.set(key, cost);
    }
    return cost;
  };
}

const nullValue: ValueNode = { kind: Kind.NULL };
const trueValue: ValueNode = { kind: Kind.BOOLEAN, value: true };

function getTypeName(type: TypeNode): string {
  return type.kind === Kind.NAMED_TYPE
    ? type.name.value
    : type.kind === Kind.NON_NULL_TYPE
      ? getTypeName(type.type)
      : '[]';
}

/** `extensions.cost` of a response, as Shopify's Admin API shapes it. */
export interface CostExtension {
  requestedQueryCost: number;
  throttleStatus?: ThrottleStatus;
}

/**
 * Costs every operation before it is planned: over `maxCost` it is refused with 400
 * COST_ESTIMATED_TOO_EXPENSIVE and no subgraph is called; otherwise the caller's bucket pays for
 * it, or the answer is 429 THROTTLED with Retry-After and nothing runs (a mutation changes
 * nothing). Every answer that was costed carries `extensions.cost`.
 */
export function useQueryCost(opts: { calculate: CostCalculator; maxCost: number; throttle?: Throttle }): GatewayPlugin {
  const { calculate, throttle } = opts;
  // An operation that costs more than a bucket can ever hold could never run: it is refused as too expensive.
  const maxCost = throttle ? Math.min(opts.maxCost, throttle.points) : opts.maxCost;
  const computed = new WeakMap<Request, number>();
  const costs = new WeakMap<Request, CostExtension>();
  return {
    // Costed when validated, over the document as parsed: the runtime's parse cache hands out the
    // same object for the same text, so the cost is computed once per document and variables. (By
    // execution, the authorization plugin has made a new document without the forbidden fields.)
    onValidate({ context, params: { documentAST } }) {
      const { request, params } = context as {
        request: Request;
        params?: { operationName?: string | null; variables?: Record<string, unknown> | null };
      };
      return ({ valid }) => {
        if (valid) computed.set(request, calculate(documentAST, params?.operationName, params?.variables));
      };
    },
    async onExecute({ args, setResultAndStopExecution }) {
      const context = args.contextValue as { request: Request; caller?: Caller | null };
      const requestedQueryCost =
        computed.get(context.request) ?? calculate(args.document, args.operationName, args.variableValues);
      const caller = context.caller;
      if (requestedQueryCost > maxCost) {
        const throttleStatus = caller && throttle ? await throttle.status(caller) : undefined;
        const cost: CostExtension = { requestedQueryCost, throttleStatus };
        costs.set(context.request, cost);
        setResultAndStopExecution({
          errors: [
            createGraphQLError(
              `The operation costs ${requestedQueryCost} points; at most ${maxCost} are allowed. Ask for smaller pages (first/last) or fewer fields.`,
              {
                extensions: {
                  code: 'COST_ESTIMATED_TOO_EXPENSIVE',
                  cost: { requestedQueryCost, maximumAvailable: maxCost },
                  http: { status: 400 },
                },
              },
            ),
          ],
          extensions: { cost },
        });
        return;
      }
      if (!caller || !throttle) {
        costs.set(context.request, { requestedQueryCost });
        return;
      }
      const spent = await throttle.spend(caller, requestedQueryCost);
      const cost: CostExtension = { requestedQueryCost, throttleStatus: spent.status };
      costs.set(context.request, cost);
      if (spent.allowed) return;
      setResultAndStopExecution({
        errors: [
          createGraphQLError(
            `Throttled: the operation costs ${requestedQueryCost} points and ${spent.status.currentlyAvailable} are available (restored at ${spent.status.restoreRate} a second); retry in ${spent.retryAfterSeconds} s`,
            {
              extensions: {
                code: 'THROTTLED',
                http: { status: 429, headers: { 'retry-after': String(spent.retryAfterSeconds) } },
              },
            },
          ),
        ],
        extensions: { cost },
      });
    },
    // The bucket's Redis connection goes with the gateway (gateway.dispose()).
    onDispose: () => throttle?.close(),
    onExecutionResult({ request, result, setResult }) {
      const cost = costs.get(request);
      if (!cost || !result || Symbol.asyncIterator in result) return;
      const single = result as { extensions?: Record<string, unknown> };
      if (single.extensions?.cost) return;
      setResult({ ...single, extensions: { ...single.extensions, cost } } as typeof result);
    },
  };
}
