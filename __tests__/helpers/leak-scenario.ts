// One leak-matrix scenario, run and checked: the front runs in folders of its own, the raw audit
// log and the SPIRE agent say which secrets it used, and the scanner searches every place it
// wrote to (leak-fronts.ts says which places may hold a secret, and why).
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { actionInputs } from './action-inputs.ts';
import type { StepResult } from './actions-runner.ts';
import { agentJwtSvid, agentX509Key, type RawAudit } from './leak-capture.ts';
import {
  actionPlaces,
  MAIN,
  POST,
  runActionSteps,
  runCli,
  cliPlaces,
  scenarioDirs,
  type ActionStep,
  type CliRun,
  type CliStdout,
  type ScenarioDirs,
} from './leak-fronts.ts';
import { allowedPlaces, describeLeaks, maskedValues, scanForLeaks, type Place, type Secret } from './leak-scan.ts';
import { redact, type StackEnv } from './stack-env.ts';

export interface ScenarioContext {
  readonly stack: StackEnv;
  readonly dirs: ScenarioDirs;
  /** Runs after the scenario, also when it fails (last registered, first run). */
  cleanup(fn: () => Promise<void> | void): void;
}

interface Common {
  readonly name: string;
  /** The main step's (or last command's) exit status; the `[CODE]` or text of its error or warning line. */
  readonly expect: { readonly status: number; readonly code?: string; readonly problem?: RegExp };
  /** The JWT-SVID's audience, when not the stack's. */
  readonly audience?: string;
  /** false: the run fails before a login reaches the stack's Vault, so no token to capture. */
  readonly logsIn?: boolean;
  /** cert: the X.509-SVID logs in (no JWT-SVID; its private key is a secret too). */
  readonly method?: 'cert';
  /** At least this many tokens minted (a re-login mints more than one). */
  readonly minTokens?: number;
  /** Other secrets the scenario hands the front (a registry password). */
  readonly otherSecrets?: (stack: StackEnv) => Secret[];
}

export interface ActionScenario extends Common {
  readonly front: 'action';
  steps(c: ScenarioContext): Promise<ActionStep[]> | ActionStep[];
  /** After the main step, before the next: a later step's use, a fault; returns places to scan too. */
  afterMain?(c: ScenarioContext, main: StepResult): Promise<Place[]>;
}

export interface CliCommand {
  readonly args: readonly string[];
  /** Added to the CLI's environment; a function gets the token an earlier command printed. */
  readonly env?:
    Record<string, string | undefined> | ((token: string | undefined) => Record<string, string | undefined>);
  readonly stdout?: CliStdout;
  afterRun?(c: ScenarioContext, run: CliRun): Promise<Place[]>;
}

export interface CliScenario extends Common {
  readonly front: 'cli';
  commands(c: ScenarioContext): Promise<CliCommand[]> | CliCommand[];
}

export type Scenario = ActionScenario | CliScenario;

/** The main step with the stack's login inputs plus `extra`. */
export function mainStep(
  c: ScenarioContext,
  extra: Record<string, string> = {},
  env: Record<string, string> = {},
): ActionStep {
  return { script: MAIN, inputs: actionInputs(c.stack, { timeout: '20s', ...extra }), env };
}

export function postStep(c: ScenarioContext, env: Record<string, string> = {}): ActionStep {
  return { script: POST, inputs: actionInputs(c.stack), env };
}

interface Outcome {
  readonly status: number | null;
  /** The post step's: it never fails the job. */
  readonly laterStatuses?: readonly (number | null)[];
  /** The lines that say what went wrong: ::error::/::warning::, or the CLI's error and warning lines. */
  readonly problems: string;
  readonly places: Place[];
  /** Secrets the run showed where they belong (the action's masks), added to the audit's. */
  readonly shown: Secret[];
  /** The token exported (GITHUB_ENV) or printed for eval. */
  readonly handedOut?: string;
}

/** What the proxy hands out instead of a token. */
const PROXY_PLACEHOLDER = 'spiffe-vault-proxy';

function secretOfShape(value: string): Secret[] {
  if (/^eyJ[\w-]+\.[\w-]+\.[\w-]+$/.test(value)) return [{ kind: 'JWT-SVID', value }];
  return /^[\w.-]{20,}$/.test(value) ? [{ kind: 'Vault token', value }] : [];
}

/** Where the main step's inputs say the token goes (action.yml: export-token's default). */
function handedOutBy(inputs: Readonly<Record<string, string>>) {
  const proxy = inputs.proxy === 'true';
  const doctor = inputs.doctor === 'true';
  const exportDefault = !inputs.run && !proxy;
  return {
    exportToken: !doctor && (inputs['export-token'] ? inputs['export-token'] === 'true' : exportDefault),
    outputToken: !doctor && inputs['output-token'] === 'true',
    runGetsToken: !doctor && !proxy && Boolean(inputs.run),
  };
}

async function runAction(scenario: ActionScenario, c: ScenarioContext): Promise<Outcome> {
  const steps = await scenario.steps(c);
  const extra: Place[] = [];
  const run = await runActionSteps(c.dirs, steps, async (result, index) => {
    if (index === 0 && scenario.afterMain) extra.push(...(await scenario.afterMain(c, result)));
  });
  const exported = run.results[0]?.env.VAULT_TOKEN;
  return {
    status: run.results[0]?.status ?? null,
    laterStatuses: run.results.slice(1).map((r) => r.status),
    problems: run.results
      .flatMap((r) => r.stdout.split('\n').filter((line) => /^::(error|warning)::/.test(line)))
      .join('\n'),
    places: actionPlaces(c.dirs, run, { ...handedOutBy(steps[0]?.inputs ?? {}), extraFiles: extra }),
    shown: run.results.flatMap((r) => [...maskedValues(r.stdout)].flatMap(secretOfShape)),
    ...(exported && exported !== PROXY_PLACEHOLDER ? { handedOut: exported } : {}),
  };
}

async function runCliCommands(scenario: CliScenario, c: ScenarioContext): Promise<Outcome> {
  const places: Place[] = [];
  const problems: string[] = [];
  let status: number | null = null;
  let handedOut: string | undefined;
  for (const command of await scenario.commands(c)) {
    const env = typeof command.env === 'function' ? command.env(handedOut) : command.env;
    const run = await runCli(c.stack, c.dirs, command.args, env);
    status = run.status;
    problems.push(...run.stderr.split('\n').filter((line) => /spiffe-vault: (error|warning)/.test(line)));
    handedOut ??= /^export VAULT_TOKEN='([^']+)'$/m.exec(run.stdout)?.[1] ?? /"token": "([^"]+)"/.exec(run.stdout)?.[1];
    const extra = command.afterRun ? await command.afterRun(c, run) : [];
    const name = command.args[0] ?? '';
    places.push(
      ...cliPlaces(c.dirs, run, command.stdout ?? 'no secret', extra).map((p) => ({ ...p, name: `${name} ${p.name}` })),
    );
  }
  const real = handedOut !== undefined && handedOut !== PROXY_PLACEHOLDER;
  return { status, problems: problems.join('\n'), places, shown: [], ...(real ? { handedOut } : {}) };
}

export interface ScanFigures {
  readonly places: number;
  /** Places that held a secret an allowance let through (an export line, the child's own output…). */
  readonly allowed: number;
  readonly tokens: number;
  readonly bytes: number;
  readonly secrets: number;
}

/** Runs the scenario and fails on a wrong outcome, on a capture that saw nothing, or on any leak. */
export async function checkScenario(stack: StackEnv, audit: RawAudit, scenario: Scenario): Promise<ScanFigures> {
  const cleanups: (() => Promise<void> | void)[] = [];
  const c: ScenarioContext = { stack, dirs: scenarioDirs(), cleanup: (fn) => void cleanups.push(fn) };
  const audience = scenario.audience ?? stack.STACK_AUDIENCE;
  const agentBefore = [...agentJwtSvid(stack, audience), ...(scenario.method === 'cert' ? agentX509Key(stack) : [])];
  const mark = audit.mark();
  let outcome: Outcome;
  try {
    outcome = scenario.front === 'action' ? await runAction(scenario, c) : await runCliCommands(scenario, c);
  } finally {
    for (const fn of cleanups.reverse()) await fn();
  }
  const minted = audit.secretsSince(mark);
  const secrets: Secret[] = [
    ...agentBefore,
    ...agentJwtSvid(stack, audience),
    ...minted,
    ...outcome.shown,
    ...(scenario.otherSecrets?.(stack) ?? []),
    { kind: 'admin token', value: stack.STACK_ADMIN_TOKEN },
  ];

  const problems = redact(outcome.problems).slice(0, 2000);
  assert.equal(outcome.status, scenario.expect.status, `exit status; problems:\n${problems}`);
  for (const status of outcome.laterStatuses ?? []) assert.equal(status, 0, `the post step failed:\n${problems}`);
  if (scenario.expect.code) assert.match(outcome.problems, new RegExp(`\\[${scenario.expect.code}\\]`), problems);
  if (scenario.expect.problem) assert.match(outcome.problems, scenario.expect.problem, problems);
  if (scenario.logsIn !== false) {
    // The scan is worth something only if the capture saw what the run used.
    if (scenario.method !== 'cert')
      assert.ok(
        minted.some((s) => s.kind === 'JWT-SVID'),
        'the audit log saw the JWT-SVID',
      );
    if (scenario.expect.status === 0)
      assert.ok(
        minted.some((s) => s.kind === 'Vault token'),
        'the audit log saw a token',
      );
  }
  const tokens = new Set(minted.filter((s) => s.kind === 'Vault token').map((s) => s.value)).size;
  if (scenario.minTokens !== undefined) {
    assert.ok(
      tokens >= scenario.minTokens,
      `${tokens} token(s) minted, not at least ${scenario.minTokens}: no re-login`,
    );
  }
  if (outcome.handedOut) {
    assert.ok(
      minted.some((s) => s.value === outcome.handedOut),
      'the token handed out is one the audit log saw',
    );
  }
  const leaks = scanForLeaks(outcome.places, secrets);
  assert.deepEqual(leaks, [], `leaks:\n${describeLeaks(leaks)}`);
  rmSync(c.dirs.root, { recursive: true, force: true }); // kept when the scenario fails, to look at
  return {
    places: outcome.places.length,
    allowed: allowedPlaces(outcome.places, secrets),
    tokens,
    bytes: outcome.places.reduce((sum, place) => sum + place.text.length, 0),
    secrets: new Set(secrets.map((secret) => secret.value)).size,
  };
}
