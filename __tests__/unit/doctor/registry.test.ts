// doctor's registry checks against scripted registries (the HTTP exchange replaced): reachability
// over http/https, where credentials come from, and a push proven by an upload started and
// cancelled. The real registries (open, htpasswd) are in the integration test.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { repoRoot } from '../../helpers/stack-env.ts';
import type { CheckResult } from '../../../src/core/doctor/check.ts';
import type { DoctorContext, DoctorPlan } from '../../../src/core/doctor/plan.ts';
import { registrySection } from '../../../src/core/doctor/sections/registry.ts';
import type { RegistryClientOptions } from '../../../src/core/oci/client.ts';
import { RegistryHttpError } from '../../../src/core/oci/errors.ts';
import type { HttpRequest, HttpResponse } from '../../../src/core/oci/transport.ts';
import { FAST_RETRY } from '../vault/fake-vault.ts';

const HOST = 'registry.example.com';
const PASSWORD = 'hunter2-registry-password';
const CREDENTIALS = { [HOST]: { username: 'signer', password: PASSWORD } };

type Route = (request: HttpRequest) => HttpResponse | undefined;

const reply = (status: number, headers: Record<string, string> = {}, body = ''): HttpResponse => ({
  status,
  headers,
  body: Buffer.from(body),
});

/** A registry: GET /v2/ with `v2`, uploads started (202 + Location) and cancelled (204) unless overridden. */
function registry(routes: { v2?: HttpResponse; upload?: Route; cancel?: HttpResponse; token?: Route } = {}) {
  const seen: HttpRequest[] = [];
  const send = (request: HttpRequest): Promise<HttpResponse> => {
    seen.push(request);
    const { pathname } = request.url;
    const routed =
      pathname === '/token'
        ? routes.token?.(request)
        : pathname === '/v2/'
          ? (routes.v2 ?? reply(200))
          : request.method === 'POST'
            ? (routes.upload?.(request) ?? reply(202, { location: `${pathname}3f1c?_state=abc` }))
            : request.method === 'DELETE'
              ? (routes.cancel ?? reply(204))
              : undefined;
    return routed ? Promise.resolve(routed) : Promise.reject(new Error(`unexpected ${request.method} ${pathname}`));
  };
  return { send, seen };
}

async function runRegistry(images: readonly string[], registryOptions: RegistryClientOptions): Promise<CheckResult[]> {
  const checks: CheckResult[] = [];
  const plan = { images, registry: { retry: FAST_RETRY, ...registryOptions } } as unknown as DoctorPlan;
  const ctx: DoctorContext = {
    plan,
    deps: { logger: undefined as never, onSecret: () => {}, proxyEnv: {} },
    state: {},
    add: (check) => {
      assert.ok(registrySection.checks.includes(check.id), `undeclared ${check.id}`);
      checks.push(check);
    },
  };
  await registrySection.run(ctx);
  return checks;
}

const statuses = (checks: readonly CheckResult[]) => checks.map((c) => `${c.id} ${c.status}`);
const byId = (checks: readonly CheckResult[], id: string) => {
  const found = checks.find((c) => c.id === id);
  assert.ok(found, `no ${id}: ${statuses(checks).join(', ')}`);
  return found;
};
const BASIC = reply(401, { 'www-authenticate': 'Basic realm="registry"' });
const BEARER = reply(401, {
  'www-authenticate': `Bearer realm="https://${HOST}/token",service="${HOST}",scope="repository:team/app:pull,push"`,
});

describe('an open registry', () => {
  test('reachable, no credentials needed, push proven and the upload cancelled', async () => {
    const { send, seen } = registry();
    const checks = await runRegistry([`${HOST}/team/app:v1`], { send });
    assert.deepEqual(statuses(checks), ['registry.reachable ok', 'registry.credentials ok', 'registry.push ok']);
    assert.match(byId(checks, 'registry.reachable').detail, /https:\/\/registry\.example\.com\/v2\/ answered 200/);
    assert.match(byId(checks, 'registry.push').detail, /started \(202\) and was cancelled/);
    const cancel = seen.find((r) => r.method === 'DELETE');
    assert.equal(cancel?.url.toString(), `https://${HOST}/v2/team/app/blobs/uploads/3f1c?_state=abc`);
  });

  test('one set of checks per host, one push check per repository; no images, no checks', async () => {
    const { send } = registry();
    const checks = await runRegistry([`${HOST}/a:1`, `${HOST}/b:1`, `${HOST}/a:2`], { send });
    assert.deepEqual(statuses(checks), [
      'registry.reachable ok',
      'registry.credentials ok',
      'registry.push ok',
      'registry.push ok',
    ]);
    assert.deepEqual(await runRegistry([], { send }), []);
  });

  test('a registry that keeps the upload: still ok, and says so', async () => {
    const { send } = registry({ cancel: reply(400) });
    const push = byId(await runRegistry([`${HOST}/team/app`], { send }), 'registry.push');
    assert.equal(push.status, 'ok');
    assert.match(push.detail, /would not cancel it \(400\)/);
  });

  test('a bad reference fails on its own; the others are checked', async () => {
    const { send } = registry();
    const checks = await runRegistry(['Not/An Image', `${HOST}/team/app`], { send });
    assert.equal(byId(checks, 'registry.reference').code, 'IMAGE_REFERENCE_INVALID');
    assert.equal(byId(checks, 'registry.push').status, 'ok');
  });
});

describe('Basic authentication', () => {
  test('no credentials: registry.credentials fails with docker login; no push is tried', async () => {
    const { send, seen } = registry({ v2: BASIC });
    const checks = await runRegistry([`${HOST}/team/app`], { send, dockerConfigDir: '/nonexistent' });
    assert.deepEqual(statuses(checks), ['registry.reachable ok', 'registry.credentials fail', 'registry.push skip']);
    const credentials = byId(checks, 'registry.credentials');
    assert.equal(credentials.code, 'REGISTRY_AUTH_REQUIRED');
    assert.deepEqual(credentials.commands, [`docker login ${HOST}`]);
    assert.match(credentials.detail, /no Docker config at \/nonexistent\/config\.json/);
    assert.equal(
      seen.some((r) => r.method === 'POST'),
      false,
    );
  });

  test('credentials: where they came from, never what they are; the push is answered with them', async () => {
    const upload: Route = (r) => (r.headers?.authorization ? undefined : BASIC);
    const { send, seen } = registry({ v2: BASIC, upload });
    const checks = await runRegistry([`${HOST}/team/app`], { send, credentials: CREDENTIALS });
    assert.deepEqual(statuses(checks), ['registry.reachable ok', 'registry.credentials ok', 'registry.push ok']);
    assert.match(byId(checks, 'registry.credentials').detail, /from the options/);
    const text = JSON.stringify(checks);
    assert.doesNotMatch(text, new RegExp(PASSWORD));
    assert.doesNotMatch(text, new RegExp(Buffer.from(`signer:${PASSWORD}`).toString('base64')));
    assert.ok(seen.some((r) => r.method === 'POST' && r.headers?.authorization?.startsWith('Basic ')));
  });

  test('credentials refused, or not allowed to push', async () => {
    const refused = registry({ v2: BASIC, upload: () => BASIC });
    const push = byId(
      await runRegistry([`${HOST}/team/app`], { send: refused.send, credentials: CREDENTIALS }),
      'registry.push',
    );
    assert.equal(push.status, 'fail');
    assert.equal(push.code, 'REGISTRY_AUTH_REQUIRED');
    assert.equal(push.reason, 'credentials-refused');
    const denied = registry({ v2: BASIC, upload: (r) => (r.headers?.authorization ? reply(403) : BASIC) });
    const deny = byId(
      await runRegistry([`${HOST}/team/app`], { send: denied.send, credentials: CREDENTIALS }),
      'registry.push',
    );
    assert.equal(deny.code, 'REGISTRY_PUSH_DENIED');
    assert.match(deny.fix ?? '', /push \(write\) access to team\/app/);
  });
});

describe('Bearer tokens', () => {
  test('no credentials: a warning, and the push check asks for a pull,push token', async () => {
    const token: Route = () => reply(401);
    const { send, seen } = registry({
      v2: BEARER,
      upload: (r) => (r.headers?.authorization ? undefined : BEARER),
      token,
    });
    const checks = await runRegistry([`${HOST}/team/app`], { send });
    assert.deepEqual(statuses(checks), ['registry.reachable ok', 'registry.credentials warn', 'registry.push fail']);
    assert.match(
      byId(checks, 'registry.reachable').detail,
      /Bearer tokens from https:\/\/registry\.example\.com\/token/,
    );
    assert.equal(byId(checks, 'registry.push').code, 'REGISTRY_AUTH_REQUIRED');
    const asked = seen.find((r) => r.url.pathname === '/token');
    assert.equal(asked?.url.searchParams.get('scope'), 'repository:team/app:pull,push');
  });

  test('a token for the credentials: push ok, the token not shown', async () => {
    const token: Route = () => reply(200, { 'content-type': 'application/json' }, '{"token":"registry-bearer-token"}');
    const upload: Route = (r) => (r.headers?.authorization === 'Bearer registry-bearer-token' ? undefined : BEARER);
    const { send } = registry({ v2: BEARER, upload, token });
    const checks = await runRegistry([`${HOST}/team/app`], { send, credentials: CREDENTIALS });
    assert.deepEqual(statuses(checks), ['registry.reachable ok', 'registry.credentials ok', 'registry.push ok']);
    assert.doesNotMatch(JSON.stringify(checks), /registry-bearer-token|hunter2/);
  });
});

describe('reachability', () => {
  test('no answer: fails with the host to check; nothing else is tried', async () => {
    const { send } = registry();
    const dead = (request: HttpRequest) =>
      request.url.pathname === '/v2/'
        ? Promise.reject(
            new RegistryHttpError({ status: 0, socketCode: 'ECONNREFUSED', message: 'connect ECONNREFUSED' }),
          )
        : send(request);
    const checks = await runRegistry([`${HOST}/team/app`], { send: dead });
    assert.deepEqual(statuses(checks), ['registry.reachable fail', 'registry.push skip']);
    assert.equal(byId(checks, 'registry.reachable').code, 'REGISTRY_UNAVAILABLE');
  });

  test('https to a plain-http registry names --registry-insecure; plain http to an https one says remove it', async () => {
    const plain = (request: HttpRequest) =>
      Promise.reject(
        new RegistryHttpError({
          status: 0,
          socketCode: 'EPROTO',
          message: `${request.url.host}: wrong version number`,
        }),
      );
    const toPlain = byId(await runRegistry([`${HOST}/team/app`], { send: plain }), 'registry.reachable');
    assert.equal(toPlain.reason, 'speaks-http');
    assert.match(toPlain.fix ?? '', /--registry-insecure/);
    const { send } = registry({ v2: reply(400, {}, 'Client sent an HTTP request to an HTTPS server.\n') });
    const checks = await runRegistry([`${HOST}/team/app`], { send, insecureHosts: [HOST] });
    const toTls = byId(checks, 'registry.reachable');
    assert.match(toTls.detail, /http:\/\/registry\.example\.com\/v2\//);
    assert.equal(toTls.reason, 'speaks-https');
  });

  test('a host without the registry API', async () => {
    const { send } = registry({ v2: reply(404) });
    const check = byId(await runRegistry([`${HOST}/team/app`], { send }), 'registry.reachable');
    assert.equal(check.code, 'REGISTRY_PROTOCOL_ERROR');
    assert.match(check.detail, /no registry API there/);
  });
});

test('the troubleshooting guide has a section for every check id', () => {
  const guide = readFileSync(join(repoRoot, 'docs', 'troubleshooting.md'), 'utf8');
  for (const id of registrySection.checks) assert.ok(guide.includes(`#### \`${id}\``), `no section for ${id}`);
});
