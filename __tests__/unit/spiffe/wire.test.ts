import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { describe, it } from 'node:test';
import { parseJwtBundlesResponse, parseJwtSvidResponse } from '../../../src/core/spiffe/wire.ts';
import { redactJwts } from '../../../src/core/spiffe/errors.ts';
import { SPIFFE_ID, Signer, TRUST_DOMAIN_ID } from './fake-agent.ts';

describe('parseJwtSvidResponse', () => {
  it('turns wire SVIDs into domain JwtSvids that never print their token', async () => {
    const signer = await Signer.create();
    const token = await signer.token({ aud: ['vault'] });
    const [svid] = parseJwtSvidResponse({ svids: [{ spiffe_id: SPIFFE_ID, svid: token, hint: 'x' }] });
    assert.ok(svid);
    assert.equal(svid.spiffeId, SPIFFE_ID);
    assert.equal(svid.token, token);
    assert.equal(svid.hint, 'x');
    assert.deepEqual(svid.audiences, ['vault']);
    assert.ok(Object.isFrozen(svid));
    for (const printed of [inspect(svid), JSON.stringify(svid), `${String(inspect({ nested: svid }))}`]) {
      assert.ok(!printed.includes(token), printed);
      assert.ok(printed.includes(SPIFFE_ID));
    }
    assert.equal({ ...svid }.token, token, 'spreading keeps the token');
  });

  it('refuses empty, incomplete or mislabelled responses', async () => {
    const signer = await Signer.create();
    const token = await signer.token();
    const cases: Array<[unknown, string]> = [
      [{}, 'JWT_SVID_NOT_FOUND'],
      [{ svids: [] }, 'JWT_SVID_NOT_FOUND'],
      [{ svids: [{ spiffe_id: '', svid: token }] }, 'JWT_SVID_INVALID'],
      [{ svids: [{ spiffe_id: 'nope', svid: token }] }, 'JWT_SVID_INVALID'],
      [{ svids: [{ spiffe_id: SPIFFE_ID, svid: '' }] }, 'JWT_SVID_INVALID'],
      [{ svids: [{ spiffe_id: 'spiffe://example.org/other', svid: token }] }, 'JWT_SVID_INVALID'],
      [{ svids: [{ spiffe_id: SPIFFE_ID, svid: 'not.a.jwt' }] }, 'JWT_SVID_INVALID'],
    ];
    for (const [response, code] of cases) {
      assert.throws(
        () => parseJwtSvidResponse(response as never),
        (error: unknown) => {
          const e = error as { code: string; message: string };
          assert.equal(e.code, code);
          assert.ok(!e.message.includes(token));
          return true;
        },
      );
    }
  });
});

describe('parseJwtBundlesResponse', () => {
  it('parses JWKS bytes keyed by trust domain ID', () => {
    const jwks = { keys: [{ kty: 'EC', crv: 'P-256', x: 'x', y: 'y', kid: 'k', use: 'jwt-svid' }] };
    const bundles = parseJwtBundlesResponse({
      bundles: { [TRUST_DOMAIN_ID]: Buffer.from(JSON.stringify(jwks)), 'spiffe://b.org': Buffer.from('{"keys":[]}') },
    });
    assert.deepEqual([...bundles.keys()], ['spiffe://b.org', TRUST_DOMAIN_ID]);
    assert.deepEqual(bundles.get(TRUST_DOMAIN_ID), jwks);
  });

  it('refuses bad keys and bad JWKS', () => {
    const cases: Array<Parameters<typeof parseJwtBundlesResponse>[0]> = [
      {},
      { bundles: {} },
      { bundles: { 'example.org': Buffer.from('{"keys":[]}') } },
      { bundles: { 'spiffe://example.org/path': Buffer.from('{"keys":[]}') } },
      { bundles: { [TRUST_DOMAIN_ID]: Buffer.from('not json') } },
      { bundles: { [TRUST_DOMAIN_ID]: Buffer.from('{"nokeys":1}') } },
      { bundles: { [TRUST_DOMAIN_ID]: Buffer.from('{"keys":[1]}') } },
    ];
    for (const response of cases) {
      assert.throws(() => parseJwtBundlesResponse(response), { code: 'JWT_BUNDLE_INVALID' });
    }
  });
});

describe('redactJwts', () => {
  it('removes compact JWS from text', async () => {
    const token = await (await Signer.create()).token();
    assert.equal(redactJwts(`a ${token} b`), 'a [REDACTED JWT] b');
    assert.equal(redactJwts('no token here'), 'no token here');
  });
});
