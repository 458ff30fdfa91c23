import assert from 'node:assert/strict';
import { test } from 'node:test';
import { VaultSession } from '../../../src/core/vault/session.ts';
import type { VaultToken } from '../../../src/core/vault/token.ts';

function fakeLogin(ttlSeconds: number, clock: { now: number }) {
  let n = 0;
  const login = async (): Promise<VaultToken> => {
    n += 1;
    return {
      token: `t${n}`,
      accessor: `a${n}`,
      policies: [],
      ttlSeconds,
      renewable: false,
      expiresAt: new Date(clock.now + ttlSeconds * 1000),
    };
  };
  return { login, count: () => n };
}

test('keeps the token while it has time left, logs in again near expiry', async () => {
  const clock = { now: 0 };
  const { login, count } = fakeLogin(60, clock);
  const seen: string[] = [];
  const session = await VaultSession.start({ login, now: () => clock.now, onToken: (t) => seen.push(t.token) });
  assert.equal(await session.getToken(), 't1');
  clock.now = 49_000; // 11 s left: more than the 10 s margin
  assert.equal(await session.getToken(), 't1');
  clock.now = 51_000; // 9 s left
  assert.equal(await session.getToken(), 't2');
  assert.equal(count(), 2);
  assert.deepEqual(seen, ['t1', 't2']);
  assert.deepEqual(
    session.tokens.map((t) => t.token),
    ['t1', 't2'],
  );
});

test('short tokens renew at a third of their TTL', async () => {
  const clock = { now: 0 };
  const { login } = fakeLogin(6, clock);
  const session = await VaultSession.start({ login, now: () => clock.now });
  clock.now = 3_900; // 2.1 s left of 6: more than 2 s
  assert.equal(await session.getToken(), 't1');
  clock.now = 4_100;
  assert.equal(await session.getToken(), 't2');
});

test('a rejected token is replaced once, however many callers report it', async () => {
  const clock = { now: 0 };
  const { login, count } = fakeLogin(60, clock);
  const session = await VaultSession.start({ login, now: () => clock.now });
  const renewed = await Promise.all([session.renewToken('t1'), session.renewToken('t1'), session.renewToken('t1')]);
  assert.deepEqual(renewed, ['t2', 't2', 't2']);
  assert.equal(await session.renewToken('t1'), 't2', 'a stale rejection does not log in again');
  assert.equal(count(), 2);
});
