/**
 * Workload API addresses (SPIFFE_ENDPOINT_SOCKET) and SPIFFE IDs: a value parses to a dialable
 * target that keeps the SPIFFE rules, or fails with the SPIFFE area's code, quickly, without
 * echoing a secret.
 */
import assert from 'node:assert/strict';
import { isIP } from 'node:net';
import { test } from 'node:test';
import { parseWorkloadApiAddress, type WorkloadApiAddress } from '../../../src/core/spiffe/address.ts';
import { parseSpiffeId, parseTrustDomain, type SpiffeId } from '../../../src/core/spiffe/spiffe-id.ts';
import fc from 'fast-check';
import { hostileText, nearValid } from './arbitraries.ts';
import { expectParsedOrCoded, fuzzFamily } from './harness.ts';

const fuzz = fuzzFamily('Workload API addresses and SPIFFE IDs', 0x5f1e);

const ADDRESS_PIECES = [
  'unix:',
  '//',
  '///',
  '/',
  'tmp',
  'spire-agent',
  'api.sock',
  'tcp:',
  'tcp://',
  'UNIX:',
  '127.0.0.1',
  '10.0.0.1',
  '[::1]',
  '[',
  ']',
  '::',
  ':',
  '8081',
  '0',
  '65535',
  '65536',
  '99999',
  '?',
  '#',
  '@',
  'host',
  '.',
  '..',
  '%2F',
];

function isDialable(address: WorkloadApiAddress): void {
  if (address.kind === 'unix') {
    assert.ok(address.socketPath.startsWith('/') && address.socketPath !== '/', address.socketPath);
    assert.ok(Buffer.byteLength(address.socketPath) <= 107, 'fits sun_path');
    // eslint-disable-next-line no-control-regex -- control characters are what is checked
    assert.ok(!/[?#\u0000-\u001f\u007f]/.test(address.socketPath), 'no query, fragment or control character');
    assert.equal(address.target, `unix://${address.socketPath}`);
  } else {
    assert.ok(isIP(address.host) !== 0, `IP literal ${address.host}`);
    assert.ok(Number.isInteger(address.port) && address.port >= 1 && address.port <= 65535, `port ${address.port}`);
    assert.equal(
      address.target,
      address.host.includes(':') ? `[${address.host}]:${address.port}` : `${address.host}:${address.port}`,
    );
  }
}

const validAddress = fc.oneof(
  fc.stringMatching(/^\/[a-z0-9._-]{1,20}(?:\/[a-z0-9._-]{1,20}){0,4}$/).map((path) => `unix://${path}`),
  fc.stringMatching(/^\/[a-z0-9._-]{1,20}$/).map((path) => `unix:${path}`),
  fc.tuple(fc.ipV4(), fc.integer({ min: 1, max: 65535 })).map(([ip, port]) => `tcp://${ip}:${port}`),
  fc.tuple(fc.ipV6(), fc.integer({ min: 1, max: 65535 })).map(([ip, port]) => `tcp://[${ip}]:${port}`),
);

test('any text: a dialable address or WORKLOAD_API_ADDRESS_INVALID', () => {
  fuzz.check(
    'addresses',
    fc.oneof(hostileText(ADDRESS_PIECES, 8), nearValid(validAddress)),
    (text) =>
      expectParsedOrCoded(() => parseWorkloadApiAddress(text), {
        codes: ['WORKLOAD_API_ADDRESS_INVALID'],
        valid: isDialable,
      }),
    2500,
  );
});

const ID_PIECES = [
  'spiffe://',
  'SPIFFE://',
  'example.org',
  'Example.org',
  '/',
  '//',
  'ci',
  'runner',
  '.',
  '..',
  '-',
  '_',
  ':443',
  '@',
  '?',
  '#',
  '%41',
  'a'.repeat(255),
];

function keepsSpiffeRules(id: SpiffeId): void {
  assert.ok(Buffer.byteLength(id.id) <= 2048);
  assert.equal(id.id, `${id.trustDomainId}${id.path}`);
  assert.match(id.trustDomain, /^[a-z0-9._-]{1,255}$/);
  if (id.path !== '') {
    for (const segment of id.path.slice(1).split('/')) {
      assert.match(segment, /^[A-Za-z0-9._-]+$/);
      assert.ok(segment !== '.' && segment !== '..');
    }
  }
}

const validId = fc
  .tuple(
    fc.domain().map((d) => d.toLowerCase()),
    fc.array(fc.stringMatching(/^[A-Za-z0-9._-]{1,12}$/), { maxLength: 4 }),
  )
  .filter(([, path]) => path.every((s) => s !== '.' && s !== '..'))
  .map(([domain, path]) => `spiffe://${domain}${path.map((s) => `/${s}`).join('')}`);

test('any text: a SPIFFE ID that keeps the SPIFFE ID rules, or SPIFFE_ID_INVALID', () => {
  fuzz.check(
    'SPIFFE IDs',
    fc.oneof(hostileText(ID_PIECES, 8), nearValid(validId)),
    (text) => {
      expectParsedOrCoded(() => parseTrustDomain(text), { codes: ['SPIFFE_ID_INVALID'] });
      return expectParsedOrCoded(() => parseSpiffeId(text), { codes: ['SPIFFE_ID_INVALID'], valid: keepsSpiffeRules });
    },
    2000,
  );
});

test('long adversarial addresses and IDs are refused quickly', () => {
  for (const text of [
    `unix://${'/'.repeat(60_000)}`,
    `tcp://${'1.'.repeat(30_000)}:1`,
    `tcp://[${':'.repeat(60_000)}]:1`,
    `spiffe://${'a.'.repeat(30_000)}`,
    `spiffe://a/${'b/'.repeat(30_000)}`,
  ]) {
    expectParsedOrCoded(() => parseWorkloadApiAddress(text), { codes: ['WORKLOAD_API_ADDRESS_INVALID'] });
    expectParsedOrCoded(() => parseSpiffeId(text), { codes: ['SPIFFE_ID_INVALID'] });
  }
});
