import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { Client, Metadata, credentials, status } from '@grpc/grpc-js';
import { WorkloadApiClient } from '../../../src/core/spiffe/client.ts';
import { WorkloadApiError } from '../../../src/core/spiffe/errors.ts';
import { verifyJwtSvid } from '../../../src/core/spiffe/jwt-svid.ts';
import {
  FakeAgent,
  FakeClock,
  SPIFFE_ID,
  Signer,
  TRUST_DOMAIN_ID,
  recordingLogger,
  serviceDefinition,
} from './fake-agent.ts';
import { rejection } from '../../helpers/rejection.ts';

const repoRoot = join(import.meta.dirname, '..', '..', '..');

const rejectionOf = (promise: Promise<unknown>) => rejection(promise, WorkloadApiError);

describe('WorkloadApiClient against a fake agent', () => {
  let agent: FakeAgent;
  let signer: Signer;
  let client: WorkloadApiClient | undefined;
  let clock: FakeClock;
  let logger: ReturnType<typeof recordingLogger>;

  beforeEach(async () => {
    agent = await FakeAgent.create();
    signer = await Signer.create();
    clock = new FakeClock();
    logger = recordingLogger();
  });
  afterEach(async () => {
    client?.close();
    client = undefined;
    await agent.stop();
  });

  function newClient(overrides: Partial<ConstructorParameters<typeof WorkloadApiClient>[0]> = {}): WorkloadApiClient {
    client = new WorkloadApiClient({ address: agent.address, logger, clock, random: () => 0.5, ...overrides });
    return client;
  }

  it('sends the security header on every call; the fake (like SPIRE) refuses calls without it', async () => {
    await agent.start();
    const token = await signer.token({ aud: ['vault'] });
    agent.onFetchJwtSvid = () => [{ spiffe_id: SPIFFE_ID, svid: token, hint: '' }];
    agent.bundles = { [TRUST_DOMAIN_ID]: signer.jwksBytes() };

    const svid = await newClient().fetchJwtSvid({ audiences: ['vault'] });
    assert.equal(svid.spiffeId, SPIFFE_ID);
    await newClient().fetchJwtBundles();
    assert.deepEqual(
      agent.calls.map((c) => [c.method, c.headerValues]),
      [
        ['FetchJWTSVID', ['true']],
        ['FetchJWTBundles', ['true']],
      ],
    );

    // The same call without the header is refused with InvalidArgument: the fake checks it.
    const method = serviceDefinition()['FetchJWTSVID']!;
    const raw = new Client(agent.address, credentials.createInsecure());
    try {
      const code = await new Promise<number>((resolve) =>
        raw.makeUnaryRequest(
          method.path,
          method.requestSerialize,
          method.responseDeserialize,
          { audience: ['vault'] },
          new Metadata(),
          (error) => resolve(error?.code ?? status.OK),
        ),
      );
      assert.equal(code, status.INVALID_ARGUMENT);
    } finally {
      raw.close();
    }
  });

  it('returns domain JwtSvids: SPIFFE ID, audiences, expiry, hint; the token never printed', async () => {
    await agent.start();
    const token = await signer.token({ aud: ['vault', 'other'] });
    let seen: unknown;
    agent.onFetchJwtSvid = (request) => {
      seen = request;
      return [{ spiffe_id: SPIFFE_ID, svid: token, hint: 'external' }];
    };
    const svid = await newClient().fetchJwtSvid({ audiences: ['vault', 'other'] });
    assert.deepEqual(seen, { audience: ['vault', 'other'], spiffe_id: '' });
    assert.equal(svid.token, token);
    assert.equal(svid.hint, 'external');
    assert.deepEqual(svid.audiences, ['vault', 'other']);
    assert.ok(svid.expiresAt.getTime() > Date.now());
    assert.equal(svid.claims.sub, SPIFFE_ID);
    const { inspect } = await import('node:util');
    assert.ok(!inspect(svid).includes(token));
    assert.ok(!JSON.stringify(svid).includes(token));
    assert.ok(logger.lines.length > 0);
    assert.ok(logger.lines.every((line) => !line.includes(token)));
  });

  it('picks the SVID of the requested SPIFFE ID, and says JWT_SVID_NOT_FOUND when it is absent', async () => {
    await agent.start();
    const other = 'spiffe://example.org/ci/other';
    const first = await signer.token({ sub: SPIFFE_ID });
    const second = await signer.token({ sub: other });
    agent.onFetchJwtSvid = () => [
      { spiffe_id: SPIFFE_ID, svid: first, hint: '' },
      { spiffe_id: other, svid: second, hint: '' },
    ];
    const c = newClient();
    assert.equal((await c.fetchJwtSvid({ audiences: ['vault'] })).spiffeId, SPIFFE_ID);
    assert.equal((await c.fetchJwtSvid({ audiences: ['vault'], spiffeId: other })).token, second);
    assert.equal((await c.fetchJwtSvids({ audiences: ['vault'] })).length, 2);
    const error = await rejectionOf(c.fetchJwtSvid({ audiences: ['vault'], spiffeId: 'spiffe://example.org/nope' }));
    assert.equal(error.code, 'JWT_SVID_NOT_FOUND');
    assert.ok(!error.message.includes(first) && !error.message.includes(second));
    assert.equal(
      (await rejectionOf(c.fetchJwtSvid({ audiences: ['vault'], spiffeId: 'not-an-id' }))).code,
      'WORKLOAD_API_REQUEST_INVALID',
    );
  });

  it('retries PERMISSION_DENIED and succeeds on the third call (fake clock: no real waiting)', async () => {
    await agent.start();
    const token = await signer.token();
    agent.onFetchJwtSvid = (_request, n) =>
      n <= 2
        ? { code: status.PERMISSION_DENIED, details: 'no identity issued' }
        : [{ spiffe_id: SPIFFE_ID, svid: token, hint: '' }];
    const svid = await newClient().fetchJwtSvid({ audiences: ['vault'] });
    assert.equal(svid.spiffeId, SPIFFE_ID);
    assert.equal(agent.jwtSvidCalls, 3);
    assert.equal(clock.sleeps.length, 2);
    assert.ok(logger.lines.some((line) => line.includes('PERMISSION_DENIED')));
  });

  it('fails at once on INVALID_ARGUMENT (one call made)', async () => {
    await agent.start();
    agent.onFetchJwtSvid = () => ({ code: status.INVALID_ARGUMENT, details: 'audience must be specified' });
    const error = await rejectionOf(newClient().fetchJwtSvid({ audiences: ['vault'] }));
    assert.equal(error.code, 'WORKLOAD_API_REJECTED');
    assert.equal(error.grpcStatus, 'INVALID_ARGUMENT');
    assert.equal(error.attempts, 1);
    assert.equal(agent.jwtSvidCalls, 1);
    assert.equal(clock.sleeps.length, 0);
  });

  it('refuses an empty audience list or an empty audience before calling the agent', async () => {
    await agent.start();
    for (const audiences of [[], [''], ['vault', '  ']]) {
      const error = await rejectionOf(newClient().fetchJwtSvid({ audiences }));
      assert.equal(error.code, 'WORKLOAD_API_REQUEST_INVALID');
    }
    assert.equal(agent.calls.length, 0);
  });

  it('fails at once on UNIMPLEMENTED', async () => {
    await agent.start();
    agent.onFetchJwtSvid = () => ({ code: status.UNIMPLEMENTED, details: 'nope' });
    const error = await rejectionOf(newClient().fetchJwtSvid({ audiences: ['vault'] }));
    assert.equal(error.code, 'WORKLOAD_API_REJECTED');
    assert.equal(agent.jwtSvidCalls, 1);
  });

  it('gives up with WORKLOAD_API_UNAVAILABLE when the agent answers UNAVAILABLE until the deadline', async () => {
    await agent.start();
    agent.onFetchJwtSvid = () => ({ code: status.UNAVAILABLE, details: 'workload attestation failed' });
    const error = await rejectionOf(newClient({ timeoutMs: 10_000 }).fetchJwtSvid({ audiences: ['vault'] }));
    assert.equal(error.code, 'WORKLOAD_API_UNAVAILABLE');
    assert.equal(error.grpcStatus, 'UNAVAILABLE');
    assert.ok(agent.jwtSvidCalls > 3, `only ${agent.jwtSvidCalls} calls`);
    assert.equal(error.attempts, agent.jwtSvidCalls);
    const waited = clock.sleeps.reduce((a, b) => a + b, 0);
    assert.equal(waited, 10_000);
    assert.ok(clock.sleeps.every((ms) => ms <= 2_000));
  });

  it('gives up with WORKLOAD_NOT_REGISTERED when PERMISSION_DENIED lasts past the deadline, without echoing tokens', async () => {
    await agent.start();
    const token = await signer.token();
    agent.onFetchJwtSvid = () => ({ code: status.PERMISSION_DENIED, details: `no identity issued (not ${token})` });
    const error = await rejectionOf(newClient({ timeoutMs: 5_000 }).fetchJwtSvid({ audiences: ['vault'] }));
    assert.equal(error.code, 'WORKLOAD_NOT_REGISTERED');
    assert.ok(!error.message.includes(token));
    assert.ok(!error.message.includes('eyJ'));
    assert.ok(logger.lines.every((line) => !line.includes(token)));
  });

  it('waits for a socket that does not exist yet, then succeeds', async () => {
    const token = await signer.token();
    agent.onFetchJwtSvid = () => [{ spiffe_id: SPIFFE_ID, svid: token, hint: '' }];
    const c = newClient({ clock: undefined, retryPolicy: { initialDelayMs: 20, maxDelayMs: 100 }, timeoutMs: 10_000 });
    const pending = c.fetchJwtSvid({ audiences: ['vault'] });
    await new Promise((resolve) => setTimeout(resolve, 300));
    await agent.start();
    const svid = await pending;
    assert.equal(svid.spiffeId, SPIFFE_ID);
    assert.ok(
      logger.lines.some((line) => /UNAVAILABLE/.test(line)),
      logger.lines.join('\n'),
    );
  });

  it('says the socket does not exist when it never appears', async () => {
    const error = await rejectionOf(
      newClient({ clock: undefined, retryPolicy: { initialDelayMs: 10, maxDelayMs: 50 }, timeoutMs: 300 }).fetchJwtSvid(
        { audiences: ['vault'] },
      ),
    );
    assert.equal(error.code, 'WORKLOAD_API_UNAVAILABLE');
    assert.ok(error.message.includes(agent.socketPath));
    assert.ok((error.attempts ?? 0) > 1);
  });

  it('fetches JWT bundles from the first stream message, cancels the stream, and they verify SVIDs', async () => {
    await agent.start();
    agent.bundles = { [TRUST_DOMAIN_ID]: signer.jwksBytes() };
    const token = await signer.token({ aud: ['vault'] });
    agent.onFetchJwtSvid = () => [{ spiffe_id: SPIFFE_ID, svid: token, hint: '' }];
    const c = newClient();
    const bundles = await c.fetchJwtBundles();
    assert.deepEqual([...bundles.keys()], [TRUST_DOMAIN_ID]);
    assert.equal(bundles.get(TRUST_DOMAIN_ID)?.keys[0]?.kid, signer.kid);
    const svid = await c.fetchJwtSvid({ audiences: ['vault'] });
    const verified = await verifyJwtSvid(svid.token, { audience: 'vault', bundles, expectedSpiffeId: SPIFFE_ID });
    assert.equal(verified.spiffeId.id, SPIFFE_ID);
    for (let i = 0; i < 50 && agent.bundleStreamsCancelled === 0; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(agent.bundleStreamsCancelled, 1);
  });

  it('refuses calls after close(); close() twice is fine', async () => {
    const c = newClient();
    c.close();
    c.close();
    assert.equal((await rejectionOf(c.fetchJwtSvid({ audiences: ['vault'] }))).code, 'WORKLOAD_API_CLOSED');
  });

  it('stops retrying with WORKLOAD_API_CLOSED when closed meanwhile', async () => {
    await agent.start();
    agent.onFetchJwtSvid = () => ({ code: status.UNAVAILABLE, details: 'agent not ready' });
    const c = newClient({ clock: undefined, retryPolicy: { initialDelayMs: 20, maxDelayMs: 20 }, timeoutMs: 10_000 });
    const pending = c.fetchJwtSvid({ audiences: ['vault'] });
    await new Promise((resolve) => setTimeout(resolve, 100));
    c.close();
    assert.equal((await rejectionOf(pending)).code, 'WORKLOAD_API_CLOSED');
  });

  it('rejects a bad address at construction', () => {
    assert.throws(() => new WorkloadApiClient({ address: 'tcp://localhost:1' }), {
      code: 'WORKLOAD_API_ADDRESS_INVALID',
    });
  });

  it('does not keep the process alive after close()', async () => {
    await agent.start();
    const token = await signer.token();
    agent.onFetchJwtSvid = () => [{ spiffe_id: SPIFFE_ID, svid: token, hint: '' }];
    agent.bundles = { [TRUST_DOMAIN_ID]: signer.jwksBytes() };
    const script = `
      import { WorkloadApiClient } from ${JSON.stringify(join(repoRoot, 'src/core/spiffe/client.ts'))};
      const client = new WorkloadApiClient({ address: ${JSON.stringify(agent.address)} });
      const svid = await client.fetchJwtSvid({ audiences: ['vault'] });
      await client.fetchJwtBundles();
      client.close();
      client.close();
      console.log(svid.spiffeId);
    `;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const exited = await new Promise<number | null>((resolve) => {
      const timer = setTimeout(() => {
        child.kill();
        resolve(null);
      }, 10_000);
      child.on('exit', (code) => {
        clearTimeout(timer);
        resolve(code);
      });
    });
    assert.equal(exited, 0, `child did not exit by itself (stderr: ${err})`);
    assert.equal(out.trim(), SPIFFE_ID);
  });
});
