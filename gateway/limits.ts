import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { createGraphQLError } from '@graphql-tools/utils';
import {
  GraphQLError,
  Kind,
  parse,
  type ASTVisitor,
  type FragmentDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
} from 'graphql';

/** What one operation may ask for (MAX_QUERY_DEPTH, MAX_ALIASES, MAX_TOKENS). */
export interface OperationLimits {
  maxDepth: number;
  maxAliases: number;
  maxTokens: number;
}

// createGraphQLError: the runtime tells such errors from faults (a GraphQLError of another copy of graphql-js would be a 500).
const refused = (message: string, code: string) =>
  createGraphQLError(message, { extensions: { code, http: { status: 400 } } });

/** The deepest field nesting under a selection set, fragments followed (each at most once per path). */
function depthOf(
  selectionSet: SelectionSetNode,
  fragments: Record<string, FragmentDefinitionNode>,
  seen: Set<string> = new Set(),
): number {
  let deepest = 0;
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      const below = selection.selectionSet ? depthOf(selection.selectionSet, fragments, seen) : 0;
      deepest = Math.max(deepest, 1 + below);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      deepest = Math.max(deepest, depthOf(selection.selectionSet, fragments, seen));
    } else {
      const name = selection.name.value;
      const fragment = fragments[name];
      if (!fragment || seen.has(name)) continue; // unknown or cyclic: validation reports it
      deepest = Math.max(deepest, depthOf(fragment.selectionSet, fragments, new Set([...seen, name])));
    }
  }
  return deepest;
}

/**
 * Refuses operations that would cost far more than any screen needs, before anything is planned
 * or any subgraph called: more than `maxTokens` tokens (checked while parsing, so a huge document
 * is not even parsed whole), nesting deeper than `maxDepth` (the planner would otherwise fail on
 * it with an internal error), or more than `maxAliases` aliases (1000 aliases of a page of
 * customers is one request doing the work of 1000). Each is a 400 with its own code.
 */
export function useOperationLimits(limits: OperationLimits): GatewayPlugin {
  const limitsRule = (context: ValidationContext): ASTVisitor => ({
    Document(document) {
      const fragments = Object.fromEntries(
        document.definitions
          .filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION)
          .map((d) => [d.name.value, d]),
      );
      let aliases = 0;
      for (const definition of document.definitions) {
        if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
        const depth = depthOf(definition.selectionSet, fragments);
        if (depth > limits.maxDepth) {
          context.reportError(
            refused(
              `The operation is nested ${depth} levels deep; at most ${limits.maxDepth} are allowed`,
              'QUERY_TOO_DEEP',
            ),
          );
        }
      }
      const countAliases = (node: unknown): void => {
        if (!node || typeof node !== 'object') return;
        if ((node as { kind?: string }).kind === Kind.FIELD && (node as { alias?: unknown }).alias) aliases += 1;
        for (const value of Object.values(node)) {
          if (Array.isArray(value)) value.forEach(countAliases);
          else if (value && typeof value === 'object' && 'kind' in value) countAliases(value);
        }
      };
      countAliases(document);
      if (aliases > limits.maxAliases) {
        context.reportError(
          refused(
            `The operation uses ${aliases} aliases; at most ${limits.maxAliases} are allowed`,
            'TOO_MANY_ALIASES',
          ),
        );
      }
      return false;
    },
  });

  return {
    onParse({ setParseFn }) {
      setParseFn((source, options) => {
        try {
          return parse(source, { ...options, maxTokens: limits.maxTokens });
        } catch (error) {
          if (!(error instanceof GraphQLError)) throw error;
          // graphql-js stops parsing at the limit: "Document contains more that N tokens".
          if (/contains more th\w+ \d+ tokens/i.test(error.message)) {
            throw refused(`The operation has more than ${limits.maxTokens} tokens`, 'TOO_MANY_TOKENS');
          }
          // Thrown from a replaced parse function, a syntax error must say what it is itself.
          throw createGraphQLError(error.message, {
            nodes: error.nodes,
            source: error.source,
            positions: error.positions,
            extensions: { code: 'GRAPHQL_PARSE_FAILED', http: { status: 400 } },
          });
        }
      });
    },
    onValidate({ addValidationRule }) {
      addValidationRule(limitsRule);
    },
  };
}

/** Request bodies over `maxBytes` are answered 413 before they are read (MAX_BODY_BYTES, 1 MB). */
export function useBodyLimit(maxBytes: number): GatewayPlugin {
  return {
    onRequest({ request, endResponse }) {
      const length = Number(request.headers.get('content-length') ?? 0);
      if (length > maxBytes) {
        endResponse(
          new Response(
            JSON.stringify({
              errors: [{ message: `The body is over ${maxBytes} bytes`, extensions: { code: 'PAYLOAD_TOO_LARGE' } }],
            }),
            { status: 413, headers: { 'content-type': 'application/json; charset=utf-8' } },
          ),
        );
      }
    },
  };
}
