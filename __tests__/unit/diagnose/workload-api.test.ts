// The Workload API classifier: the final gRPC status (as grpc-js reports it) → a finding.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Metadata, status } from '@grpc/grpc-js';
import { diagnoseWorkloadApiFailure } from '../../../src/core/diagnose/workload-api.ts';
import { parseWorkloadApiAddress } from '../../../src/core/spiffe/address.ts';

const grpcFailure = (code: number, details: string) =>
  Object.assign(new Error(`${code} ${status[code]}: ${details}`), { code, details, metadata: new Metadata() });

const CONTEXT = {
  what: "FetchJWTSVID for audience 'vault'",
  address: parseWorkloadApiAddress('unix:///tmp/agent.sock'),
  attempts: 3,
  elapsedMs: 2_500,
};

describe('Workload API failures', () => {
  test('PERMISSION_DENIED "no identity issued" (what SPIRE answers an unregistered workload): WORKLOAD_NOT_REGISTERED', () => {
    const finding = diagnoseWorkloadApiFailure(grpcFailure(status.PERMISSION_DENIED, 'no identity issued'), CONTEXT);
    assert.equal(finding.code, 'WORKLOAD_NOT_REGISTERED');
    assert.equal(finding.reason, 'no-identity');
    assert.equal(finding.answer, 'last status PERMISSION_DENIED: no identity issued');
    assert.match(finding.what, /3 attempts over 2\.5 s/);
    assert.deepEqual(finding.commands, ['spire-server entry show']);
  });

  const unavailable: [string, string, RegExp][] = [
    [
      'No connection established. Last error: Error: connect ENOENT /tmp/agent.sock',
      'socket-missing',
      /does not exist/,
    ],
    [
      'No connection established. Last error: Error: connect ECONNREFUSED /tmp/agent.sock',
      'connection-refused',
      /nothing accepts/,
    ],
    [
      'No connection established. Last error: Error: connect EACCES /tmp/agent.sock',
      'socket-forbidden',
      /may not open/,
    ],
    ['agent is not ready', 'agent-unavailable', /^$/],
  ];
  for (const [details, reason, why] of unavailable) {
    test(`UNAVAILABLE "${details}": ${reason}`, () => {
      const finding = diagnoseWorkloadApiFailure(grpcFailure(status.UNAVAILABLE, details), CONTEXT);
      assert.equal(finding.code, 'WORKLOAD_API_UNAVAILABLE');
      assert.equal(finding.reason, reason);
      assert.match(finding.why ?? '', why);
    });
  }

  test('UNIMPLEMENTED: not a Workload API; INVALID_ARGUMENT: rejected, with the fix for its words', () => {
    assert.equal(
      diagnoseWorkloadApiFailure(grpcFailure(status.UNIMPLEMENTED, ''), CONTEXT).reason,
      'not-a-workload-api',
    );
    const rejected = diagnoseWorkloadApiFailure(
      grpcFailure(status.INVALID_ARGUMENT, 'audience must be specified'),
      CONTEXT,
    );
    assert.equal(rejected.code, 'WORKLOAD_API_REJECTED');
    assert.match(rejected.fix ?? '', /non-empty audience/);
  });

  test('DEADLINE_EXCEEDED: no answer in time', () => {
    const finding = diagnoseWorkloadApiFailure(grpcFailure(status.DEADLINE_EXCEEDED, 'Deadline exceeded'), CONTEXT);
    assert.equal(finding.code, 'WORKLOAD_API_UNAVAILABLE');
    assert.equal(finding.reason, 'no-answer-in-time');
  });

  test('details that echo a JWT are redacted', () => {
    const jwt = 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln';
    const finding = diagnoseWorkloadApiFailure(grpcFailure(status.INTERNAL, `bad token ${jwt}`), CONTEXT);
    assert.ok(!JSON.stringify(finding).includes(jwt), JSON.stringify(finding));
  });
});
