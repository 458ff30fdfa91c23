import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseSpiffeId, parseTrustDomain } from '../../../src/core/spiffe/spiffe-id.ts';

describe('parseSpiffeId', () => {
  it('parses workload and trust domain IDs', () => {
    assert.deepEqual(parseSpiffeId('spiffe://example.org/ci/runner-1'), {
      id: 'spiffe://example.org/ci/runner-1',
      trustDomain: 'example.org',
      trustDomainId: 'spiffe://example.org',
      path: '/ci/runner-1',
    });
    assert.equal(parseSpiffeId('spiffe://td_1-x.y').path, '');
    assert.equal(parseSpiffeId('spiffe://example.org/A.b_C-9/..x').path, '/A.b_C-9/..x');
  });

  const invalid = [
    '',
    'example.org/ci',
    'SPIFFE://example.org/ci',
    'spiffe:/example.org/ci',
    'https://example.org/ci',
    'spiffe://',
    'spiffe:///ci',
    'spiffe://Example.org/ci',
    'spiffe://example.org:443/ci',
    'spiffe://user@example.org/ci',
    'spiffe://exa mple.org/ci',
    'spiffe://example.org/',
    'spiffe://example.org/ci/',
    'spiffe://example.org//ci',
    'spiffe://example.org/./ci',
    'spiffe://example.org/ci/..',
    'spiffe://example.org/ci?x=1',
    'spiffe://example.org/ci#f',
    'spiffe://example.org/c%41',
    'spiffe://example.org/ci runner',
    `spiffe://${'a'.repeat(256)}/ci`,
    `spiffe://example.org/${'a'.repeat(2048)}`,
  ];
  for (const value of invalid) {
    it(`rejects ${JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value)}`, () => {
      assert.throws(() => parseSpiffeId(value), { code: 'SPIFFE_ID_INVALID' });
    });
  }

  it('parses trust domains given as name or ID', () => {
    assert.equal(parseTrustDomain('example.org'), 'example.org');
    assert.equal(parseTrustDomain('spiffe://example.org'), 'example.org');
    assert.throws(() => parseTrustDomain('spiffe://example.org/ci'), { code: 'SPIFFE_ID_INVALID' });
    assert.throws(() => parseTrustDomain('Example.org'), { code: 'SPIFFE_ID_INVALID' });
  });
});
