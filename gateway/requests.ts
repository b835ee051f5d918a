import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { createGraphQLError } from '@graphql-tools/utils';
import type { GraphQLError } from 'graphql';

// Errors are built with @graphql-tools/utils and never tested with `instanceof GraphQLError`: under
// vitest our code and the runtime load different copies of graphql-js (ESM and CommonJS).
const badRequest = (message: string) =>
  createGraphQLError(message, { extensions: { code: 'BAD_REQUEST', http: { status: 400 } } });

/** Yoga's own test for a JSON body (graphql-yoga request-parser/utils.ts). */
const isJsonPost = (request: Request) => {
  const type = request.headers.get('content-type')?.split(',')[0] ?? '';
  return (
    request.method === 'POST' &&
    ['application/json', 'application/graphql+json'].some((t) => type === t || type.startsWith(`${t};`))
  );
};

/** A JSON body, parsed without passing the parser's message (positions, the body echoed) on to the client. */
async function parseJsonBody(request: Request) {
  // A body over the size limit fails here, with its own coded 413.
  const text = await request.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw badRequest('The request body is not valid JSON');
  }
  // An array goes on to Yoga, which refuses batches with a coded 400.
  if (body === null || typeof body !== 'object') {
    throw badRequest(`The request body must be a JSON object, not ${body === null ? 'null' : `a ${typeof body}`}`);
  }
  return body as never;
}

/**
 * A request the gateway cannot read is answered 4xx with a code and a plain message. Yoga's own
 * answers put the JSON parser's error into `extensions.originalError` (positions, "Unexpected
 * token", the body echoed back), and an unsupported content type got an empty 415. Its other
 * refusals (a batch, a mutation over GET, another method) are coded 4xx already and stay as they are.
 */
export function useReadableRequests(): GatewayPlugin {
  return {
    onRequestParse({ request, requestParser, setRequestParser, endResponse }) {
      if (isJsonPost(request)) {
        setRequestParser(parseJsonBody);
        return;
      }
      if (requestParser) {
        // GET and form bodies carry variables and extensions as JSON strings.
        setRequestParser(async (req) => {
          try {
            return await requestParser(req);
          } catch (error) {
            if (error instanceof SyntaxError)
              throw badRequest('The variables or extensions parameter is not valid JSON');
            throw error;
          }
        });
        return;
      }
      // GET always has a parser; a method other than GET or POST gets Yoga's coded 405 later.
      if (request.method !== 'POST') return;
      endResponse(
        new Response(
          JSON.stringify({
            errors: [
              { message: 'Send the request body as application/json', extensions: { code: 'UNSUPPORTED_MEDIA_TYPE' } },
            ],
          }),
          { status: 415, headers: { 'content-type': 'application/json; charset=utf-8' } },
        ),
      );
    },
  };
}

const SUGGESTION = / Did you mean .*\?$/s;

type ResultError = GraphQLError | { message: string };

const withoutSuggestion = (error: ResultError): ResultError => {
  if (!SUGGESTION.test(error.message)) return error;
  const message = error.message.replace(SUGGESTION, '');
  // Any copy's GraphQLError is an Error; a plain object is copied.
  if (!(error instanceof Error)) return { ...error, message };
  return createGraphQLError(message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    originalError: error.originalError,
    extensions: error.extensions,
  });
};

/**
 * In production, error messages stop suggesting names ("Did you mean "customers"?"), which would
 * let a caller map the schema field by field by guessing. graphql-js 16 has no switch for it, so
 * the suggestion is cut from every message of a result that has one (validation and variables).
 */
export function useNoSuggestions(): GatewayPlugin {
  return {
    onResultProcess({ result, setResult }) {
      if (Array.isArray(result) || !result || typeof result !== 'object' || !('errors' in result)) return;
      const errors = (result as { errors?: readonly ResultError[] }).errors;
      if (!errors?.some((e) => SUGGESTION.test(e.message))) return;
      setResult({ ...(result as object), errors: errors.map(withoutSuggestion) } as never);
    },
  };
}
