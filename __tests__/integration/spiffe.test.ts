// The Workload API client against the REAL SPIRE agent of the local stack (scripts/stack/up.sh).
// Besides the client's behaviour, it pins the agent facts the client relies on (security header,
// empty audience, a SPIFFE ID the workload lacks, the JWT-SVID's shape), so a SPIRE upgrade that
// changes them fails here rather than in a user's pipeline.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Client, Metadata, credentials, status, type MethodDefinition } from '@grpc/grpc-js';
import { decodeProtectedHeader } from 'jose';
import { loadStackEnv, type StackEnv } from '../helpers/stack-env.ts';
import { WorkloadApiClient } from '../../src/core/spiffe/client.ts';
import { WorkloadApiError } from '../../src/core/spiffe/errors.ts';
import { verifyJwtSvid, type JwtBundles } from '../../src/core/spiffe/jwt-svid.ts';
import { workloadApiService } from '../helpers/workload-proto.ts';
import { rejection } from '../helpers/rejection.ts';

let stack: StackEnv;
let client: WorkloadApiClient;
const logLines: string[] = [];

before(() => {
  stack = loadStackEnv();
  const record = (line: string) => logLines.push(line);
  client = new WorkloadApiClient({
    address: stack.SPIFFE_ENDPOINT_SOCKET,
    timeoutMs: 20_000,
    logger: { debug: record, info: record, warning: record },
  });
});
after(() => client?.close());

const rejectionOf = (promise: Promise<unknown>) => rejection(promise, WorkloadApiError);

/** A raw FetchJWTSVID call, to observe the agent's own answers (status code, details). */
async function rawFetchJwtSvid(
  request: { audience: string[]; spiffe_id: string },
  withHeader: boolean,
): Promise<{ code: number; details: string }> {
  const method = workloadApiService()['FetchJWTSVID'] as MethodDefinition<unknown, unknown>;
  const raw = new Client(stack.SPIFFE_ENDPOINT_SOCKET, credentials.createInsecure());
  const metadata = new Metadata();
  if (withHeader) metadata.set('workload.spiffe.io', 'true');
  try {
    return await new Promise((resolve) =>
      raw.makeUnaryRequest(
        method.path,
        method.requestSerialize,
        method.responseDeserialize,
        request,
        metadata,
        { deadline: Date.now() + 10_000 },
        (error) => resolve({ code: error?.code ?? status.OK, details: error?.details ?? '' }),
      ),
    );
  } finally {
    raw.close();
  }
}

describe('Workload API client against the real SPIRE agent', () => {
  let bundles: JwtBundles;

  before(async () => {
    bundles = await client.fetchJwtBundles();
  });

  it('fetches the JWT bundle of the stack trust domain', () => {
    const trustDomainId = `spiffe://${stack.STACK_TRUST_DOMAIN}`;
    assert.ok(bundles.has(trustDomainId), `bundles: ${[...bundles.keys()].join(', ')}`);
    assert.ok((bundles.get(trustDomainId)?.keys.length ?? 0) >= 1);
  });

  it('fetches a JWT-SVID for the audience that verifies locally against the bundle', async () => {
    const svid = await client.fetchJwtSvid({ audiences: [stack.STACK_AUDIENCE] });
    assert.equal(svid.spiffeId, stack.STACK_SPIFFE_ID);
    assert.deepEqual(svid.audiences, [stack.STACK_AUDIENCE]);
    const ttlSec = (svid.expiresAt.getTime() - Date.now()) / 1000;
    assert.ok(ttlSec > 60 && ttlSec <= 300 + 5, `JWT-SVID lifetime ${ttlSec} s`);

    const verified = await verifyJwtSvid(svid.token, {
      audience: stack.STACK_AUDIENCE,
      bundles,
      expectedSpiffeId: stack.STACK_SPIFFE_ID,
      expectedTrustDomain: stack.STACK_TRUST_DOMAIN,
    });
    assert.equal(verified.spiffeId.id, stack.STACK_SPIFFE_ID);
    assert.equal(verified.claims.sub, stack.STACK_SPIFFE_ID);

    // The shape interop.md describes: ES256 with a kid, no iss.
    const header = decodeProtectedHeader(svid.token);
    assert.equal(header.alg, 'ES256');
    assert.equal(typeof header.kid, 'string');
    assert.equal(verified.claims.iss, undefined);

    // Another audience's verifier refuses it.
    assert.equal(
      (await rejectionOf(verifyJwtSvid(svid.token, { audience: 'not-vault', bundles }))).code,
      'JWT_SVID_AUDIENCE_MISMATCH',
    );
    assert.ok(
      logLines.every((line) => !line.includes(svid.token)),
      'the token never reaches the log',
    );
  });

  it('puts every requested audience in aud', async () => {
    const svid = await client.fetchJwtSvid({ audiences: [stack.STACK_AUDIENCE, 'second'] });
    assert.deepEqual([...svid.audiences].sort(), [stack.STACK_AUDIENCE, 'second'].sort());
    const verified = await verifyJwtSvid(svid.token, { audience: 'second', bundles });
    assert.equal(verified.spiffeId.id, stack.STACK_SPIFFE_ID);
  });

  it('returns the SVID of an expected SPIFFE ID the workload has', async () => {
    const svid = await client.fetchJwtSvid({ audiences: [stack.STACK_AUDIENCE], spiffeId: stack.STACK_SPIFFE_ID });
    assert.equal(svid.spiffeId, stack.STACK_SPIFFE_ID);
  });

  it('says JWT_SVID_NOT_FOUND at once for a SPIFFE ID the workload does not have', async () => {
    const started = Date.now();
    const error = await rejectionOf(
      client.fetchJwtSvid({
        audiences: [stack.STACK_AUDIENCE],
        spiffeId: `spiffe://${stack.STACK_TRUST_DOMAIN}/not/this/workload`,
      }),
    );
    assert.equal(error.code, 'JWT_SVID_NOT_FOUND');
    assert.ok(Date.now() - started < 5_000);
    assert.ok(!/eyJ[\w-]+\.[\w-]+\./.test(error.message));
  });

  it('an empty audience list is refused at once: locally, and by the agent with InvalidArgument', async () => {
    const started = Date.now();
    const error = await rejectionOf(client.fetchJwtSvid({ audiences: [] }));
    assert.equal(error.code, 'WORKLOAD_API_REQUEST_INVALID');
    assert.ok(Date.now() - started < 1_000);
    const answer = await rawFetchJwtSvid({ audience: [], spiffe_id: '' }, true);
    assert.equal(answer.code, status.INVALID_ARGUMENT, answer.details);
    assert.match(answer.details, /audience must be specified/);
  });

  it('an empty-string audience is refused locally: the agent would answer Unavailable (retryable)', async () => {
    const error = await rejectionOf(client.fetchJwtSvid({ audiences: [''] }));
    assert.equal(error.code, 'WORKLOAD_API_REQUEST_INVALID');
    const answer = await rawFetchJwtSvid({ audience: [''], spiffe_id: '' }, true);
    assert.equal(answer.code, status.UNAVAILABLE, answer.details);
    assert.match(answer.details, /audience/);
  });

  it('the agent refuses a call without the security header (InvalidArgument)', async () => {
    const answer = await rawFetchJwtSvid({ audience: [stack.STACK_AUDIENCE], spiffe_id: '' }, false);
    assert.equal(answer.code, status.INVALID_ARGUMENT, answer.details);
    assert.match(answer.details, /security header/i);
  });

  it('the agent answers PermissionDenied when asked for a SPIFFE ID the workload lacks (why the client filters locally)', async () => {
    const answer = await rawFetchJwtSvid(
      { audience: [stack.STACK_AUDIENCE], spiffe_id: `spiffe://${stack.STACK_TRUST_DOMAIN}/not/this/workload` },
      true,
    );
    assert.equal(answer.code, status.PERMISSION_DENIED, answer.details);
  });

  it('fails with WORKLOAD_API_UNAVAILABLE, naming the socket, when the socket does not exist', async () => {
    const missing = `${stack.STACK_AGENT_SOCKET}.missing`;
    const c = new WorkloadApiClient({
      address: `unix://${missing}`,
      timeoutMs: 1_000,
      retryPolicy: { initialDelayMs: 50, maxDelayMs: 200 },
    });
    try {
      const error = await rejectionOf(c.fetchJwtSvid({ audiences: [stack.STACK_AUDIENCE] }));
      assert.equal(error.code, 'WORKLOAD_API_UNAVAILABLE');
      assert.ok(error.message.includes(missing));
    } finally {
      c.close();
    }
  });
});

describe('X.509 from the real SPIRE agent', () => {
  it('FetchX509SVID: the SVID names the workload, its chain ends at a CA in the FetchX509Bundles bundle', async () => {
    const svid = await client.fetchX509Svid({});
    assert.equal(svid.spiffeId, stack.STACK_SPIFFE_ID);
    assert.ok(svid.expiresAt.getTime() > Date.now());
    const bundles = await client.fetchX509Bundles();
    const roots = bundles.get(`spiffe://${stack.STACK_TRUST_DOMAIN}`) ?? [];
    assert.ok(roots.length > 0, `no X.509 bundle for ${stack.STACK_TRUST_DOMAIN}: ${[...bundles.keys()].join(', ')}`);
    const leaf = svid.certificates[0];
    const last = svid.certificates.at(-1);
    assert.ok(leaf && last);
    assert.ok(leaf.subjectAltName?.includes(`URI:${stack.STACK_SPIFFE_ID}`), leaf.subjectAltName);
    assert.ok(
      roots.some((root) => last.checkIssued(root) && last.verify(root.publicKey)),
      'the chain ends at a CA of the bundle',
    );
    // Nothing logged carries the key.
    assert.ok(logLines.every((line) => !line.includes('PRIVATE KEY')));
  });
});
