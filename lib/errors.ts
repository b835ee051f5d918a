import { GraphQLError } from 'graphql';

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
]);

export const forbidden = (message = 'Not allowed') => new GraphQLError(message, { extensions: { code: 'FORBIDDEN' } });

/** Bad arguments that the schema could not catch (a page size, a cursor). */
export const badInput = (message: string, argument?: string) =>
  new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', ...(argument ? { argument } : {}) } });

/** Something the caller can fix, returned in a payload's `userErrors` rather than thrown. */
export interface UserError {
  code: string;
  field: string[] | null;
  message: string;
}

export const userError = (code: string, field: string[] | null, message: string): UserError => ({
  code,
  field,
  message,
});

/** Thrown inside a mutation to abort its transaction and come back as `userErrors`. */
export class UserInputError extends Error {
  constructor(public readonly errors: UserError[]) {
    super(errors.map((e) => e.message).join('; '));
  }
}

export const notFound = (what: string, field: string[]) => userError('NOT_FOUND', field, `${what} not found`);
