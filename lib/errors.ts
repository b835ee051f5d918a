import { GraphQLError } from 'graphql';
import { InputErrorCode } from './generated/shared.js';

/** Codes a client may see in `extensions.code`; anything else is masked as INTERNAL_SERVER_ERROR. */
export const PUBLIC_ERROR_CODES = new Set([
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'BAD_USER_INPUT',
  'NOT_FOUND',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'OPERATION_RESOLUTION_FAILURE',
  'SERVICE_UNAVAILABLE',
  'IDEMPOTENCY_KEY_REUSED',
]);

export const forbidden = (message = 'Not allowed') => new GraphQLError(message, { extensions: { code: 'FORBIDDEN' } });

/** Bad arguments that the schema could not catch (a page size, a cursor). */
export const badInput = (message: string, argument?: string) =>
  new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', ...(argument ? { argument } : {}) } });

/** An id a service was asked about that its tenant does not have (internal calls: a fault, not a user error). */
export const notFoundFault = (what: string) =>
  new GraphQLError(`${what} not found`, { extensions: { code: 'NOT_FOUND' } });

/**
 * Something the caller can fix, returned in a payload's `userErrors` rather than thrown. `code` is
 * one of the SDL's InputErrorCode values or of the owning subgraph's own enum (its errors.ts).
 */
export interface UserError {
  code: string;
  field: string[] | null;
  message: string;
}

export { InputErrorCode };

export const userError = (code: string, field: string[] | null, message: string): UserError => ({
  code,
  field,
  message,
});

/** Thrown inside a transaction to roll it back and come back as `userErrors`. */
export class UserInputError extends Error {
  constructor(public readonly errors: UserError[]) {
    super(errors.map((e) => e.message).join('; '));
  }
}

/** Throws the collected errors, if any, to abort the transaction. */
export function failOn(errors: UserError[]): void {
  if (errors.length > 0) throw new UserInputError(errors);
}

export const notFound = (what: string, field: string[]) =>
  userError(InputErrorCode.NOT_FOUND, field, `${what} not found`);

/**
 * A subgraph's error vocabulary: the shared input codes and its own domain codes (both declared,
 * with their meanings, in the SDL), and helpers that accept only those codes.
 */
export function errorVocabulary<Own extends Record<string, string>>(own: Own) {
  const Code = { ...InputErrorCode, ...own };
  type Code = (typeof Code)[keyof typeof Code];
  return {
    Code,
    userError: (code: Code, field: string[] | null, message: string) => userError(code, field, message),
    /** Rolls the transaction back with one user error. */
    refuse: (code: Code, field: string[] | null, message: string): never => {
      throw new UserInputError([userError(code, field, message)]);
    },
  };
}
