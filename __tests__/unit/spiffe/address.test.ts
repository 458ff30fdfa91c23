import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_AGENT_SOCKET, parseWorkloadApiAddress } from '../../../src/core/spiffe/address.ts';

describe('parseWorkloadApiAddress', () => {
  it('accepts unix:///abs/path and unix:/abs/path', () => {
    for (const value of ['unix:///run/spire/agent.sock', 'unix:/run/spire/agent.sock']) {
      const address = parseWorkloadApiAddress(value);
      assert.equal(address.kind, 'unix');
      assert.equal(address.target, 'unix:///run/spire/agent.sock');
      assert.equal(address.kind === 'unix' && address.socketPath, '/run/spire/agent.sock');
      assert.equal(address.original, value);
    }
  });

  it('parses the default SPIRE socket', () => {
    const address = parseWorkloadApiAddress(DEFAULT_AGENT_SOCKET);
    assert.equal(address.kind === 'unix' && address.socketPath, '/tmp/spire-agent/public/api.sock');
  });

  it('accepts a unix path of 107 bytes and refuses 108', () => {
    const path107 = `/${'a'.repeat(106)}`;
    assert.equal(parseWorkloadApiAddress(`unix://${path107}`).target, `unix://${path107}`);
    assert.throws(() => parseWorkloadApiAddress(`unix:///${'a'.repeat(107)}`), {
      code: 'WORKLOAD_API_ADDRESS_INVALID',
    });
    // bytes, not characters
    assert.throws(() => parseWorkloadApiAddress(`unix:///${'é'.repeat(54)}`), { code: 'WORKLOAD_API_ADDRESS_INVALID' });
  });

  it('accepts tcp://IPv4:PORT and tcp://[IPv6]:PORT', () => {
    const v4 = parseWorkloadApiAddress('tcp://127.0.0.1:8081');
    assert.deepEqual([v4.kind, v4.target], ['tcp', '127.0.0.1:8081']);
    const v6 = parseWorkloadApiAddress('tcp://[::1]:8081');
    assert.deepEqual([v6.kind, v6.target], ['tcp', '[::1]:8081']);
    assert.equal(parseWorkloadApiAddress('tcp://10.0.0.1:65535').target, '10.0.0.1:65535');
    assert.equal(parseWorkloadApiAddress('tcp://10.0.0.1:1').target, '10.0.0.1:1');
  });

  const invalid: Array<[string, string]> = [
    ['', 'empty'],
    ['   ', 'blank'],
    [' unix:///tmp/a.sock', 'leading space'],
    ['/tmp/agent.sock', 'no scheme'],
    ['http://127.0.0.1:8081', 'other scheme'],
    ['UNIX:///tmp/a.sock', 'uppercase scheme'],
    ['unix:', 'unix without path'],
    ['unix://', 'unix with empty authority and no path'],
    ['unix:///', 'unix root only'],
    ['unix:relative/agent.sock', 'relative unix path'],
    ['unix://host/tmp/agent.sock', 'unix with authority'],
    ['unix:///tmp/agent.sock?x=1', 'unix with query'],
    ['unix:///tmp/agent.sock#frag', 'unix with fragment'],
    ['unix:///tmp/a\nb.sock', 'control character'],
    ['tcp:127.0.0.1:8081', 'tcp opaque'],
    ['tcp://', 'tcp without host'],
    ['tcp://localhost:8081', 'tcp host name'],
    ['tcp://spire-agent.example:8081', 'tcp DNS name'],
    ['tcp://127.0.0.1', 'tcp without port'],
    ['tcp://127.0.0.1:', 'tcp empty port'],
    ['tcp://127.0.0.1:0', 'port 0'],
    ['tcp://127.0.0.1:65536', 'port too large'],
    ['tcp://127.0.0.1:80a', 'port not a number'],
    ['tcp://127.0.0.1:-1', 'negative port'],
    ['tcp://127.0.0.1:8081/', 'tcp with slash path'],
    ['tcp://127.0.0.1:8081/path', 'tcp with path'],
    ['tcp://127.0.0.1:8081?x=1', 'tcp with query'],
    ['tcp://127.0.0.1:8081#f', 'tcp with fragment'],
    ['tcp://user:pw@127.0.0.1:8081', 'tcp with user info'],
    ['tcp://::1:8081', 'unbracketed IPv6'],
    ['tcp://[::1]', 'IPv6 without port'],
    ['tcp://[::1:8081', 'IPv6 without closing bracket'],
    ['tcp://[127.0.0.1]:8081', 'IPv4 in brackets'],
    ['tcp://256.0.0.1:8081', 'not an IPv4 address'],
  ];
  for (const [value, why] of invalid) {
    it(`rejects ${why}: ${JSON.stringify(value)}`, () => {
      assert.throws(
        () => parseWorkloadApiAddress(value),
        (error: unknown) => {
          const e = error as { code?: string; message?: string };
          assert.equal(e.code, 'WORKLOAD_API_ADDRESS_INVALID');
          assert.ok(e.message?.includes('unix:///'), 'message names the accepted forms');
          return true;
        },
      );
    });
  }
});
