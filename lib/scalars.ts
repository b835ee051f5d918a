import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';
import { DateTimeResolver, JSONObjectResolver } from 'graphql-scalars';

/** What a Decimal may look like (also custom field numbers and cursor values). */
export const DECIMAL = /^-?\d{1,20}(\.\d{1,10})?$/;

function parseDecimal(value: unknown): string {
  if (typeof value === 'string' && DECIMAL.test(value.trim())) return value.trim();
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  throw new GraphQLError('Decimal must be a decimal string such as "19.99" (never a float)', {
    extensions: { code: 'BAD_USER_INPUT' },
  });
}

/**
 * Decimal numbers travel as strings so that no client or server ever rounds them through a binary
 * float. Integers are accepted on input for convenience; fractions must be strings.
 */
export const DecimalScalar = new GraphQLScalarType({
  name: 'Decimal',
  description: 'An exact decimal number, sent and returned as a string, e.g. "1234.50".',
  serialize: (value) => {
    if (typeof value === 'string') return value;
    if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
    if (typeof value === 'bigint') return value.toString();
    throw new GraphQLError('Decimal cannot represent a non-decimal value');
  },
  parseValue: parseDecimal,
  parseLiteral: (ast) => {
    if (ast.kind === Kind.STRING || ast.kind === Kind.INT)
      return parseDecimal(ast.kind === Kind.INT ? Number(ast.value) : ast.value);
    throw new GraphQLError('Decimal must be a string literal', { extensions: { code: 'BAD_USER_INPUT' } });
  },
});

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** Dates between 1900 and 2999: enough for any business record, and safe for date arithmetic in SQL. */
export function isDay(value: unknown): value is string {
  if (typeof value !== 'string' || !DAY.test(value) || value < '1900-01-01' || value > '2999-12-31') return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

function parseDay(value: unknown): string {
  if (isDay(value)) return value;
  throw new GraphQLError('Date must be a calendar date between 1900-01-01 and 2999-12-31, as YYYY-MM-DD', {
    extensions: { code: 'BAD_USER_INPUT' },
  });
}

/** A calendar date without time zone, as 'YYYY-MM-DD' both ways (resolvers see strings, never Date objects). */
export const DateScalar = new GraphQLScalarType({
  name: 'Date',
  description: 'A calendar date between 1900-01-01 and 2999-12-31, e.g. "2026-11-28".',
  serialize: (value) => (value instanceof Date ? value.toISOString().slice(0, 10) : parseDay(value)),
  parseValue: parseDay,
  parseLiteral: (ast) => parseDay(ast.kind === Kind.STRING ? ast.value : null),
});

/** Resolvers for the scalars every subgraph declares. */
export const scalarResolvers = {
  Decimal: DecimalScalar,
  DateTime: DateTimeResolver,
  Date: DateScalar,
  JSONObject: JSONObjectResolver,
};
