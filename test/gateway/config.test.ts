import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { loadSecrets } from '../../lib/config.js';
import { startLocalGraph } from '../../scripts/local-graph.js';
import { newTenant } from '../support/stack.js';

const saved = { ...process.env };
afterEach(() => {
  process.env = { ...saved };
});

describe('secrets', () => {
  it('are a start-up error in production when missing', () => {
    process.env.NODE_ENV = 'production';
    delete process.env.JWT_SECRET;
    delete process.env.JWKS_URL;
    process.env.GATEWAY_SIGNING_SECRET = 'x';
    expect(() => loadSecrets()).toThrow(/JWT_SECRET or JWKS_URL/);
    process.env.JWT_SECRET = 'y';
    delete process.env.GATEWAY_SIGNING_SECRET;
    expect(() => loadSecrets()).toThrow(/GATEWAY_SIGNING_SECRET/);
    process.env.GATEWAY_SIGNING_SECRET = 'x';
    expect(loadSecrets()).toEqual({ jwtSecret: 'y', jwksUrl: undefined, signingSecret: 'x' });
  });
});

describe('JWKS verification', () => {
  it('accepts RS256 tokens signed by a key the JWKS publishes and refuses others', async () => {
    const { publicKey, privateKey } = await generateKeyPair('RS256');
    const other = await generateKeyPair('RS256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    const jwks = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
    const jwksUrl = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/.well-known/jwks.json`;
    const graph = await startLocalGraph(inject('databaseUrl'), { secrets: { jwksUrl, signingSecret: 'sign-me' } });
    try {
      const tenant = newTenant();
      const sign = (key: CryptoKey) =>
        new SignJWT({ tid: tenant, scope: 'crm:read' })
          .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
          .setSubject('u')
          .setExpirationTime('5m')
          .sign(key);
      const ask = async (token: string) =>
        fetch(graph.gatewayUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify({ query: '{ tenant { id } }' }),
        });
      const ok = await ask(await sign(privateKey));
      expect(ok.status).toBe(200);
      expect(((await ok.json()) as any).data.tenant.id).toBe(tenant);
      expect((await ask(await sign(other.privateKey))).status).toBe(401);
    } finally {
      await graph.close();
      jwks.close();
    }
  });
});
