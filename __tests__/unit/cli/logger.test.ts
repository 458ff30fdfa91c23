import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createStderrLogger } from '../../../src/cli/logger.ts';

function logger(env: NodeJS.ProcessEnv = {}) {
  const lines: string[] = [];
  const log = createStderrLogger(env, (text) => {
    lines.push(text);
    return true;
  });
  return { log, lines };
}

test('registered secrets, their lines, and anything JWT-shaped never print', () => {
  const { log, lines } = logger();
  log.redact('s.SECRETTOKEN1234567890');
  log.redact('-----BEGIN KEY-----\nLINEOFSECRETPEM1\n-----END KEY-----');
  log.info('token s.SECRETTOKEN1234567890 here');
  log.warning('pem line LINEOFSECRETPEM1');
  log.error('X', 'jwt eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln leaked');
  const all = lines.join('');
  assert.doesNotMatch(all, /SECRETTOKEN|LINEOFSECRETPEM1|eyJhbGci/);
  assert.match(all, /token \*\*\* here/);
});

test('an error is one line with its code', () => {
  const { log, lines } = logger();
  log.error('VAULT_LOGIN_DENIED', 'failed\n  to log in');
  assert.deepEqual(lines, ['spiffe-vault: error [VAULT_LOGIN_DENIED]: failed to log in\n']);
});

test('quiet drops info but keeps warnings; debug only with SPIFFE_VAULT_DEBUG=1', () => {
  const { log, lines } = logger();
  log.setQuiet(true);
  log.info('hello');
  log.debug('details');
  log.warning('careful');
  assert.deepEqual(lines, ['spiffe-vault: warning: careful\n']);
  const verbose = logger({ SPIFFE_VAULT_DEBUG: '1' });
  verbose.log.debug('details');
  assert.deepEqual(verbose.lines, ['spiffe-vault: debug: details\n']);
});
