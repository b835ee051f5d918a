/**
 * Prints a signed client token and nothing else:
 *   npm run --silent token -- --tenant demo [--user alice] [--scope "crm:read crm:write"] [--expires 7d]
 * Without --scope the token carries every scope.
 */
import { parseArgs } from 'node:util';
import { loadSecrets } from '../lib/config.js';
import { signToken } from '../lib/tokens.js';

const { values } = parseArgs({
  options: {
    tenant: { type: 'string' },
    user: { type: 'string', default: 'demo-user' },
    scope: { type: 'string' },
    expires: { type: 'string', default: '30d' },
  },
});
if (!values.tenant) {
  console.error(
    'usage: npm run --silent token -- --tenant <tenant> [--user <id>] [--scope "<scopes>"] [--expires 30d]',
  );
  process.exit(2);
}
const { jwtSecret } = loadSecrets();
if (!jwtSecret) {
  console.error('JWT_SECRET is not set (tokens for a JWKS_URL setup come from your identity provider)');
  process.exit(2);
}
const scopes = values.scope === undefined ? undefined : values.scope.split(/\s+/).filter(Boolean);
console.log(
  await signToken(jwtSecret, { tenantId: values.tenant, userId: values.user, scopes, expiresIn: values.expires }),
);
