import { SignJWT } from 'jose';
import { ALL_SCOPES } from './auth.js';

/** Signs an HS256 client token with the claims the gateway reads: tid, sub, scope. */
export async function signToken(
  secret: string,
  claims: { tenantId: string; userId?: string; scopes?: readonly string[]; expiresIn?: string | number },
): Promise<string> {
  return new SignJWT({ tid: claims.tenantId, scope: (claims.scopes ?? ALL_SCOPES).join(' ') })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(claims.userId ?? 'demo-user')
    .setIssuedAt()
    .setExpirationTime(claims.expiresIn ?? '30d')
    .sign(new TextEncoder().encode(secret));
}
