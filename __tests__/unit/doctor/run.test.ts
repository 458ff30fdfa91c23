// The doctor's runner and renderings: order, shared state, a broken check, undeclared ids, the
// token always revoked, and what the table and the Markdown say.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { fail, ok, skip, warn, type DoctorReport } from '../../../src/core/doctor/check.ts';
import type { DoctorPlan, DoctorSection } from '../../../src/core/doctor/plan.ts';
import { renderDoctorMarkdown, renderDoctorTable } from '../../../src/core/doctor/render.ts';
import { runSections } from '../../../src/core/doctor/run.ts';
import { NOOP_LOGGER } from '../../../src/core/logger.ts';
import { VaultClient } from '../../../src/core/vault/client.ts';

const deps = { logger: NOOP_LOGGER, onSecret: () => undefined, proxyEnv: {} };
const plan = {} as DoctorPlan; // the sections below read nothing from it

const section = (area: DoctorSection['area'], checks: string[], run: DoctorSection['run']): DoctorSection => ({
  area,
  checks,
  run,
});

describe('runSections', () => {
  test('runs in order on one state; a broken section is a fail and the next still runs', async () => {
    const report = await runSections(
      [
        section('workload-api', ['workload-api.a'], async (ctx) => {
          ctx.state.server = {
            flavour: 'openbao',
            version: '2',
            sealed: false,
            standby: false,
            enterprise: false,
            performanceStandby: false,
          };
          ctx.add(ok('workload-api.a', 'a', 'seen'));
        }),
        section('vault', [], async () => {
          throw new Error('boom');
        }),
        section('login', ['login.b'], async (ctx) => {
          ctx.add(ok('login.b', 'b', ctx.state.server?.flavour ?? 'no state'));
        }),
      ],
      { plan, deps },
    );
    assert.deepEqual(
      report.checks.map((c) => [c.id, c.status, c.detail]),
      [
        ['workload-api.a', 'ok', 'seen'],
        ['vault.unexpected', 'fail', 'the check itself failed: boom'],
        ['login.b', 'ok', 'openbao'],
      ],
    );
    assert.equal(report.ok, false);
  });

  test('an id its section does not declare is a programming error, reported as such', async () => {
    const report = await runSections([section('token', ['token.x'], async (ctx) => ctx.add(ok('token.y', 'y', '')))], {
      plan,
      deps,
    });
    assert.equal(report.checks[0]?.id, 'token.unexpected');
    assert.match(report.checks[0]?.detail ?? '', /'token\.y' is not declared/);
  });

  test('warnings and skips keep the report ok', async () => {
    const report = await runSections(
      [
        section('token', ['token.w', 'token.s'], async (ctx) => {
          ctx.add(warn('token.w', 'w', 'long ttl', { fix: 'shorten it' }));
          ctx.add(skip('token.s', 's', 'not asked'));
        }),
      ],
      { plan, deps },
    );
    assert.equal(report.ok, true);
  });

  describe('the token a check minted', () => {
    let server: Server;
    let address = '';
    const revoked: string[] = [];
    before(async () => {
      server = createServer((req, res) => {
        if (req.url === '/v1/auth/token/revoke-self') revoked.push(String(req.headers['x-vault-token']));
        res.writeHead(204).end();
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      address = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    });
    after(() => server.close());

    test('is revoked when the checks end, also after a section broke', async () => {
      await runSections(
        [
          section('login', [], async (ctx) => {
            ctx.state.vault = new VaultClient({ address });
            ctx.state.token = {
              token: 'minted-token',
              accessor: 'a',
              policies: [],
              ttlSeconds: 60,
              renewable: true,
              expiresAt: new Date(),
            };
            throw new Error('after the login');
          }),
        ],
        { plan, deps },
      );
      assert.deepEqual(revoked, ['minted-token']);
    });
  });
});

const REPORT: DoctorReport = {
  ok: false,
  checks: [
    ok('vault.reachable', 'Vault', 'http://vault:8200, OpenBao 2.6.2'),
    fail('login.audience', 'audience', "aud ['x'], the role binds ['vault']", {
      code: 'VAULT_LOGIN_DENIED',
      fix: 'bind the audience | or change it',
      commands: ['vault write auth/jwt/role/ci role_type=jwt bound_audiences=x'],
      policy: ['path "transit/keys/k" { capabilities = ["read"] }'],
    }),
    skip('token.lookup', 'token', 'needs a login'),
  ],
};

describe('renderings', () => {
  test('the table: one line per check, the fix, commands, policy and guide under a failure', () => {
    const lines = renderDoctorTable(REPORT).split('\n');
    assert.match(lines[0]!, /^ok {4}vault\.reachable {2}http:\/\/vault:8200/);
    assert.match(
      lines[1]!,
      /^FAIL {2}login\.audience {3}aud \['x'\], the role binds \['vault'\] \[VAULT_LOGIN_DENIED\]$/,
    );
    assert.match(lines[2]!, /^ +fix: bind the audience/);
    assert.match(lines[3]!, /^ +\$ vault write auth\/jwt\/role\/ci role_type=jwt bound_audiences=x$/);
    assert.match(lines[5]!, /^ +path "transit\/keys\/k"/);
    assert.match(lines[6]!, /^ +guide: https:\/\/.*\/docs\/troubleshooting\.md#loginaudience$/);
    assert.match(lines[7]!, /^skip {2}token\.lookup/);
    assert.match(lines.at(-2)!, /^doctor: 1 ok, 0 warn, 1 fail, 1 skipped/);
  });

  test('Markdown: a row per check, pipes escaped, the fix in one cell', () => {
    const md = renderDoctorMarkdown(REPORT);
    const rows = md.split('\n').filter((line) => line.startsWith('| '));
    assert.equal(rows.length, 2 + REPORT.checks.length);
    assert.match(rows[3]!, /^\| ❌ fail \| `login\.audience` \| .* \| fix: bind the audience \\\| or change it<br>/);
    for (const row of rows) assert.equal(row.split(/(?<!\\)\|/).length, 6, row);
  });
});
