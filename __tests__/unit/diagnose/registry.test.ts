// The registry classifier: the last answer of a registry (after the retries) → a finding.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { renderFinding } from '../../../src/core/diagnose/finding.ts';
import { diagnoseRegistryFailure, tokenServiceRefused } from '../../../src/core/diagnose/registry.ts';
import { RegistryHttpError } from '../../../src/core/oci/errors.ts';

const CONTEXT = {
  what: 'push manifest registry.example/team/app:v1',
  host: 'registry.example',
  baseUrl: 'https://registry.example',
  repository: 'team/app',
  access: 'push' as const,
  hasCredentials: false,
  configPath: '/home/runner/.docker/config.json',
  retriedForMs: 60_000,
};

const failure = (status: number, registryCodes: string[] = []) =>
  new RegistryHttpError({ status, message: `answered ${status}`, registryCodes });

describe('registry failures', () => {
  test('401 without credentials: credentials-missing, naming the config and docker login', () => {
    const finding = diagnoseRegistryFailure(failure(401, ['UNAUTHORIZED']), CONTEXT);
    assert.equal(finding.code, 'REGISTRY_AUTH_REQUIRED');
    assert.equal(finding.reason, 'credentials-missing');
    assert.match(finding.why ?? '', /no credentials for registry.example were found in \/home\/runner/);
    assert.deepEqual(finding.commands, ['docker login registry.example']);
  });

  test('401 with credentials: credentials-refused', () => {
    assert.equal(
      diagnoseRegistryFailure(failure(401), { ...CONTEXT, hasCredentials: true }).reason,
      'credentials-refused',
    );
  });

  test('403 on a push: push-denied, with the registry code; on a pull: pull-denied', () => {
    const push = diagnoseRegistryFailure(failure(403, ['DENIED']), CONTEXT);
    assert.equal(push.code, 'REGISTRY_PUSH_DENIED');
    assert.equal(push.reason, 'push-denied');
    assert.equal(push.answer, '403 (DENIED)');
    assert.equal(diagnoseRegistryFailure(failure(403), { ...CONTEXT, access: 'pull' }).reason, 'pull-denied');
  });

  test('404 MANIFEST_UNKNOWN: IMAGE_NOT_FOUND', () => {
    const finding = diagnoseRegistryFailure(failure(404, ['MANIFEST_UNKNOWN']), CONTEXT);
    assert.equal(finding.code, 'IMAGE_NOT_FOUND');
    assert.equal(finding.answer, '404 (MANIFEST_UNKNOWN)');
  });

  test('429 after the retries: REGISTRY_UNAVAILABLE, with what Retry-After asked', () => {
    const finding = diagnoseRegistryFailure(failure(429, ['TOOMANYREQUESTS']), { ...CONTEXT, retryAfterMs: 120_000 });
    assert.equal(finding.code, 'REGISTRY_UNAVAILABLE');
    assert.equal(finding.reason, 'server-error');
    assert.match(
      renderFinding(finding),
      /: 429 \(TOOMANYREQUESTS\), still after retrying for up to 60 s; it asked to wait 120 s more \(Retry-After\) — check/,
    );
  });

  test('no answer: no-answer, with the socket error', () => {
    const reset = new RegistryHttpError({ status: 0, socketCode: 'ECONNRESET', message: 'socket hang up' });
    const finding = diagnoseRegistryFailure(reset, CONTEXT);
    assert.equal(finding.reason, 'no-answer');
    assert.equal(finding.status, undefined);
    assert.match(finding.why ?? '', /^no answer \(ECONNRESET: socket hang up\), still after retrying/);
  });

  test('an unexpected status: REGISTRY_PROTOCOL_ERROR', () => {
    assert.equal(diagnoseRegistryFailure(failure(400), CONTEXT).code, 'REGISTRY_PROTOCOL_ERROR');
  });

  test("the token service's refusal: REGISTRY_AUTH_REQUIRED", () => {
    const finding = tokenServiceRefused({
      host: 'registry.example',
      realm: 'https://auth.example/token',
      scope: 'repository:team/app:pull,push',
      withCredentials: false,
      status: 401,
    });
    assert.equal(finding.reason, 'anonymous-refused');
    assert.match(
      renderFinding(finding),
      /refused an anonymous token for 'repository:team\/app:pull,push': 401 — log in/,
    );
  });
});
