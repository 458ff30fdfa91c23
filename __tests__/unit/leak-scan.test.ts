// The leak matrix's scanner: it finds each secret in every encoded form and anywhere inside a
// longer encoded text, and the places' allowances let through only what they say.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  CHILD_BEGIN,
  CHILD_END,
  childOutput,
  fileCommandValue,
  maskCommand,
  scanForLeaks,
  secretForms,
  tokenOnLines,
  type Secret,
} from '../helpers/leak-scan.ts';

const token: Secret = { kind: 'Vault token', value: 's.Xq7v9LmN2pR4tW6yZ8bC1dF3' };
const jwt: Secret = {
  kind: 'JWT-SVID',
  value: 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJzcGlmZmU6Ly9leGFtcGxlLm9yZy9jaSIsImF1ZCI6WyJ2YXVsdCJdfQ.c2lnbmF0dXJlLWJ5dGVz',
};
const admin: Secret = { kind: 'admin token', value: '7c7ad9d6f8c080a2e2cd02ec4118e8b1f17370a19d00d7ff' };

/** A leak of a secret the scanner was given (not only its shape). */
const named = (leak: { secret: string }) => !leak.secret.endsWith('-shaped text');

function leaksIn(text: string, secrets: readonly Secret[] = [token, jwt, admin]) {
  return scanForLeaks([{ name: 'place', text }], secrets);
}

describe('secretForms', () => {
  test('raw, URL- and JSON-escaped forms collapse when they are the same text', () => {
    const texts = secretForms(token.value).map((f) => f.text);
    assert.equal(new Set(texts).size, texts.length);
    assert.ok(texts.includes(token.value));
  });
});

describe('scanForLeaks finds', () => {
  const encodings: [string, (value: string) => string][] = [
    ['raw', (v) => `token is ${v}.`],
    ['base64', (v) => Buffer.from(v).toString('base64')],
    ['base64url', (v) => Buffer.from(`??>${v}`).toString('base64url')],
    ['base64 of token:SECRET', (v) => `Authorization: Basic ${Buffer.from(`token:${v}`).toString('base64')}`],
    ['base64 at offset 1', (v) => Buffer.from(`x${v}`).toString('base64')],
    ['base64 at offset 2 inside JSON', (v) => Buffer.from(JSON.stringify({ a: 1, t: v })).toString('base64')],
    ['URL-encoded', (v) => `?t=${encodeURIComponent(`${v} `)}`],
    ['JSON-escaped', (v) => JSON.stringify({ t: `"${v}"` })],
  ];
  for (const [name, encode] of encodings) {
    for (const secret of [token, jwt, admin]) {
      test(`${secret.kind}, ${name}`, () => {
        const found = leaksIn(`before ${encode(secret.value)} after`, [secret]);
        assert.ok(
          found.some((leak) => leak.secret === secret.kind),
          JSON.stringify(found),
        );
      });
    }
  }

  test('a JWT or a token it was not told about, by its shape', () => {
    assert.deepEqual(
      leaksIn(`x ${jwt.value} y`, []).map((l) => l.secret),
      ['JWT-shaped text'],
    );
    assert.deepEqual(
      leaksIn('VAULT_TOKEN=hvs.CAESIJ1k2l3m4n5o6p7q8r9s0t', []).map((l) => l.secret),
      ['token-shaped text'],
    );
  });

  test('nothing in text without secrets: paths, base64 payloads, the proxy placeholder', () => {
    const text = `dist/app.tar.gz.sigstore.json ${Buffer.from('{"_type":"https://in-toto.io"}').toString('base64')} VAULT_TOKEN=spiffe-vault-proxy`;
    assert.deepEqual(leaksIn(text), []);
  });
});

describe('allowances', () => {
  test('maskCommand lets through the add-mask line only', () => {
    const place = { name: 'stdout', allowances: [maskCommand] };
    assert.deepEqual(scanForLeaks([{ ...place, text: `::add-mask::${token.value}\n` }], [token]), []);
    assert.ok(
      scanForLeaks([{ ...place, text: `::add-mask::${token.value}\nlogged ${token.value}\n` }], [token]).some(named),
    );
  });

  test('childOutput after a mask: the raw token in the child section, not before the mask nor encoded', () => {
    const allowances = [childOutput('child', true), maskCommand];
    const section = (body: string) => `${CHILD_BEGIN}\n${body}\n${CHILD_END}\n`;
    const masked = `::add-mask::${token.value}\n${section(`VAULT_TOKEN=${token.value}`)}`;
    assert.deepEqual(scanForLeaks([{ name: 'stdout', text: masked, allowances }], [token]), []);
    const early = `${section(`VAULT_TOKEN=${token.value}`)}::add-mask::${token.value}\n`;
    assert.ok(scanForLeaks([{ name: 'stdout', text: early, allowances }], [token]).some(named));
    const encoded = `::add-mask::${token.value}\n${section(Buffer.from(token.value).toString('base64'))}`;
    assert.ok(scanForLeaks([{ name: 'stdout', text: encoded, allowances }], [token]).some(named));
  });

  test('fileCommandValue: the named variable when masked, nothing else, never a JWT', () => {
    const masked = new Set([token.value]);
    const allowances = [fileCommandValue('export', ['VAULT_TOKEN'], masked)];
    const text = `VAULT_ADDR=http://v\nVAULT_TOKEN<<EOF_1\n${token.value}\nEOF_1\n`;
    assert.deepEqual(scanForLeaks([{ name: 'GITHUB_ENV', text, allowances }], [token]), []);
    assert.ok(scanForLeaks([{ name: 'GITHUB_ENV', text: `OTHER=${token.value}\n`, allowances }], [token]).some(named));
    const unmasked = [fileCommandValue('export', ['VAULT_TOKEN'], new Set())];
    assert.ok(scanForLeaks([{ name: 'GITHUB_ENV', text, allowances: unmasked }], [token]).some(named));
    const jwtText = `VAULT_TOKEN=${jwt.value}\n`;
    assert.ok(scanForLeaks([{ name: 'GITHUB_ENV', text: jwtText, allowances }], [jwt]).some(named));
  });

  test('tokenOnLines: the matching line, and only a Vault token', () => {
    const allowances = [tokenOnLines('eval', /^export VAULT_TOKEN=/)];
    assert.deepEqual(
      scanForLeaks([{ name: 'stdout', text: `export VAULT_TOKEN='${token.value}'`, allowances }], [token]),
      [],
    );
    assert.ok(scanForLeaks([{ name: 'stdout', text: `echo ${token.value}`, allowances }], [token]).some(named));
    assert.ok(
      scanForLeaks([{ name: 'stdout', text: `export VAULT_TOKEN='${admin.value}'`, allowances }], [admin]).some(named),
    );
  });
});
