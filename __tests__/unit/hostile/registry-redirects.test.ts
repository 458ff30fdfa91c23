// Hostile registries: blob redirects to other hosts, redirect loops, and token realms elsewhere.
// Credentials (Basic, or the bearer token they buy) go to the registry and its token realm only.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { afterEach, describe, test } from 'node:test';
import { RegistryClient, type RegistryClientOptions } from '../../../src/core/oci/client.ts';
import { OciError } from '../../../src/core/oci/errors.ts';
import { getBlob, resolveImage } from '../../../src/core/oci/manifests.ts';
import { MAX_REDIRECTS } from '../../../src/core/oci/limits.ts';
import { parseImageReference } from '../../../src/core/oci/reference.ts';
import { instantClock } from '../../helpers/instant-clock.ts';
import { registryError, TestServer, type Exchange } from './test-server.ts';

const USER = 'ci-user';
const PASSWORD = 'registry-password-0123456789';
const BASIC = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`;
const TOKEN = 'registry-bearer-token-0123456789';
const BLOB = Buffer.from('layer bytes\n');
const DIGEST = `sha256:${createHash('sha256').update(BLOB).digest('hex')}`;
const BLOB_PATH = `/v2/team/app/blobs/${DIGEST}`;

const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.stop()));
});

async function serve(handler: (e: Exchange) => ReturnType<TestServer['handler']>, ip?: string): Promise<TestServer> {
  const server = await TestServer.start(handler, ip);
  servers.push(server);
  return server;
}

function client(registry: string, extra: Partial<RegistryClientOptions> = {}): RegistryClient {
  return new RegistryClient({
    clock: instantClock(),
    retry: { initialDelayMs: 1, maxDelayMs: 1, deadlineMs: 1_000 },
    credentials: { [registry]: { username: USER, password: PASSWORD } },
    ...extra,
  });
}

const readBlob = (c: RegistryClient, registry: string) =>
  getBlob(c, { repo: { registry, repository: 'team/app' }, digest: DIGEST });

const coded = (code: string) => (error: unknown) => error instanceof OciError && error.code === code;

/** No exchange carries the password, the Basic header or the bearer token. */
function assertNoSecrets(exchanges: readonly Exchange[], where: string): void {
  for (const e of exchanges) {
    const text = `${e.path} ${e.authorization ?? ''} ${e.body}`;
    for (const secret of [PASSWORD, BASIC.slice(6), TOKEN]) {
      assert.ok(!text.includes(secret), `${where} received a credential in ${e.method} ${e.path}`);
    }
  }
}

describe('a blob redirect to another host', () => {
  test('Basic: the registry gets the credentials, the storage host (127.0.0.2) none', async () => {
    const storage = await serve(() => ({ body: BLOB }), '127.0.0.2');
    const registry = await serve((e) =>
      e.authorization !== BASIC
        ? { status: 401, headers: { 'www-authenticate': 'Basic realm="registry"' } }
        : { status: 307, headers: { location: `http://${storage.host}/bucket/blob?X-Signature=abc` } },
    );
    assert.deepEqual(await readBlob(client(registry.host), registry.host), BLOB);
    assert.equal(registry.seen.at(-1)?.authorization, BASIC);
    assert.equal(storage.seen.length, 1);
    assert.equal(storage.seen[0]?.authorization, undefined);
    assertNoSecrets(storage.seen, 'the storage host');
  });

  test('Bearer: the token realm gets the credentials, the registry the token, the storage host nothing', async () => {
    const storage = await serve(() => ({ body: BLOB }), '127.0.0.2');
    const registry = await serve((e) => {
      if (e.path.startsWith('/token'))
        return e.authorization === BASIC ? { body: JSON.stringify({ token: TOKEN }) } : { status: 401 };
      if (e.authorization !== `Bearer ${TOKEN}`) {
        const realm = `http://${e.host}/token`;
        return { status: 401, headers: { 'www-authenticate': `Bearer realm="${realm}",service="registry"` } };
      }
      return { status: 302, headers: { location: `http://${storage.host}/bucket/blob` } };
    });
    assert.deepEqual(await readBlob(client(registry.host), registry.host), BLOB);
    assert.equal(storage.seen.length, 1);
    assertNoSecrets(storage.seen, 'the storage host');
  });

  test('the same host on another port is another host: no credentials there', async () => {
    const storage = await serve(() => ({ body: BLOB }));
    const registry = await serve((e) =>
      e.authorization !== BASIC
        ? { status: 401, headers: { 'www-authenticate': 'Basic realm="registry"' } }
        : { status: 307, headers: { location: `http://${storage.host}/blob` } },
    );
    assert.deepEqual(await readBlob(client(registry.host), registry.host), BLOB);
    assertNoSecrets(storage.seen, 'the other port');
  });

  test('storage that answers 401 with its own token realm gets no credentials: REGISTRY_PROTOCOL_ERROR', async () => {
    const storage = await serve((e) =>
      e.path.startsWith('/token')
        ? { body: JSON.stringify({ token: 'storage-token' }) }
        : e.authorization
          ? { body: BLOB }
          : { status: 401, headers: { 'www-authenticate': `Bearer realm="http://${e.host}/token",service="s"` } },
    );
    const registry = await serve((e) =>
      e.authorization !== BASIC
        ? { status: 401, headers: { 'www-authenticate': 'Basic realm="registry"' } }
        : { status: 307, headers: { location: `http://${storage.host}/blob` } },
    );
    const failure = await readBlob(client(registry.host), registry.host).catch((e: unknown) => e);
    assertNoSecrets(storage.seen, 'the storage host');
    assert.ok(!storage.seen.some((e) => e.path.startsWith('/token')), 'the storage token realm was not asked');
    assert.ok(coded('REGISTRY_PROTOCOL_ERROR')(failure), String(failure));
  });

  test('storage that answers 401 Basic gets no credentials either', async () => {
    const storage = await serve(() => ({ status: 401, headers: { 'www-authenticate': 'Basic realm="storage"' } }));
    const registry = await serve((e) =>
      e.authorization !== BASIC
        ? { status: 401, headers: { 'www-authenticate': 'Basic realm="registry"' } }
        : { status: 307, headers: { location: `http://${storage.host}/blob` } },
    );
    await assert.rejects(readBlob(client(registry.host), registry.host), coded('REGISTRY_PROTOCOL_ERROR'));
    assertNoSecrets(storage.seen, 'the storage host');
  });

  for (const location of ['file:///etc/passwd', 'ftp://127.0.0.1/blob', 'data:,hello']) {
    test(`a Location that is not http(s) (${location.split(':')[0]}): REGISTRY_PROTOCOL_ERROR, nothing read`, async () => {
      const registry = await serve(() => ({ status: 302, headers: { location } }));
      await assert.rejects(readBlob(client(registry.host), registry.host), coded('REGISTRY_PROTOCOL_ERROR'));
      assert.equal(registry.seen.length, 1);
    });
  }
});

describe('redirect loops end', () => {
  test(`a registry redirecting a blob to itself: ${MAX_REDIRECTS} redirects followed, then REGISTRY_PROTOCOL_ERROR`, async () => {
    const registry = await serve((e) => ({
      status: 307,
      headers: { location: `${e.path.split('?')[0]}?hop=${e.path.length}` },
    }));
    const error = await readBlob(client(registry.host), registry.host).then(
      () => assert.fail('a redirect loop was followed to the end'),
      (e: unknown) => e,
    );
    assert.ok(coded('REGISTRY_PROTOCOL_ERROR')(error), String(error));
    assert.match((error as Error).message, /redirect/);
    assert.equal(registry.seen.length, MAX_REDIRECTS + 1);
  });

  test('two hosts redirecting to each other', async () => {
    let other = '';
    const a = await serve(() => ({ status: 302, headers: { location: `http://${other}/b` } }));
    const b = await serve(() => ({ status: 302, headers: { location: `http://${a.host}${BLOB_PATH}` } }), '127.0.0.2');
    other = b.host;
    await assert.rejects(readBlob(client(a.host), a.host), coded('REGISTRY_PROTOCOL_ERROR'));
    assert.equal(a.seen.length + b.seen.length, MAX_REDIRECTS + 1);
  });

  test('a manifest answered with a redirect is not followed: REGISTRY_PROTOCOL_ERROR after one request', async () => {
    const registry = await serve((e) => ({ status: 301, headers: { location: e.path } }));
    await assert.rejects(
      resolveImage(client(registry.host), parseImageReference(`${registry.host}/team/app:v1`)),
      coded('REGISTRY_PROTOCOL_ERROR'),
    );
    assert.equal(registry.seen.length, 1);
  });
});

describe('a token realm on another host over plain http', () => {
  // One server plays every host, reached as the HTTP proxy: registry.example.test is a plain-http
  // registry the user listed as insecure, auth.example.test a token service they did not list.
  const REGISTRY = 'registry.example.test:5000';
  async function setUp(realm: string): Promise<{ proxy: TestServer; proxyEnv: Record<string, string> }> {
    const proxy = await serve((e) => {
      if (e.host !== REGISTRY)
        return e.authorization === BASIC ? { body: JSON.stringify({ token: TOKEN }) } : { status: 401 };
      if (e.authorization === `Bearer ${TOKEN}`) return { body: BLOB };
      return { status: 401, headers: { 'www-authenticate': `Bearer realm="${realm}",service="registry"` } };
    });
    return { proxy, proxyEnv: { HTTP_PROXY: `http://${proxy.host}` } };
  }

  test('is refused before any credential is sent: REGISTRY_INSECURE_REALM', async () => {
    const { proxy, proxyEnv } = await setUp('http://auth.example.test/token');
    const c = client(REGISTRY, { insecureHosts: [REGISTRY], proxyEnv });
    const error = await readBlob(c, REGISTRY).then(
      () => assert.fail('the realm was used'),
      (e: unknown) => e,
    );
    assert.ok(coded('REGISTRY_INSECURE_REALM')(error), String(error));
    assert.match((error as Error).message, /auth\.example\.test/);
    assert.deepEqual(
      proxy.seen.map((e) => e.host),
      [REGISTRY],
      'only the registry was asked, the realm never',
    );
  });

  test('is used when the user allowed that host (registry-insecure)', async () => {
    const { proxy, proxyEnv } = await setUp('http://auth.example.test/token');
    const c = client(REGISTRY, { insecureHosts: [REGISTRY, 'auth.example.test'], proxyEnv });
    assert.deepEqual(await readBlob(c, REGISTRY), BLOB);
    assert.deepEqual(
      proxy.seen.map((e) => e.host),
      [REGISTRY, 'auth.example.test', REGISTRY],
    );
  });

  test('on the registry host itself, already allowed for plain http, it is used', async () => {
    const { proxy, proxyEnv } = await setUp(`http://${REGISTRY}/token`);
    const c = client(REGISTRY, { insecureHosts: [REGISTRY], proxyEnv });
    proxy.handler = ((inner) => (e: Exchange) =>
      e.path.startsWith('/token') ? { body: JSON.stringify({ token: TOKEN }) } : inner(e))(proxy.handler);
    assert.deepEqual(await readBlob(c, REGISTRY), BLOB);
  });

  test('a realm on a loopback host is always allowed', async () => {
    const auth = await serve(
      (e) => (e.authorization === BASIC ? { body: JSON.stringify({ token: TOKEN }) } : { status: 401 }),
      '127.0.0.2',
    );
    const registry = await serve((e) =>
      e.authorization === `Bearer ${TOKEN}`
        ? { body: BLOB }
        : { status: 401, headers: { 'www-authenticate': `Bearer realm="http://${auth.host}/token"` } },
    );
    assert.deepEqual(await readBlob(client(registry.host), registry.host), BLOB);
    assert.equal(auth.seen.length, 1);
    assert.equal(registry.seen.length, 2);
    void registryError;
  });
});
