// The troubleshooting guide has a section for every error code the project can fail with and for
// every doctor check, none for one that does not exist, and every link into it lands on a heading.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { describe, test } from 'node:test';
import { PROXY_START_ERROR_CODES } from '../../../src/action/proxy-start.ts';
import { RUN_COMMAND_ERROR_CODES } from '../../../src/action/run-command.ts';
import { CLI_ERROR_CODES } from '../../../src/cli/errors.ts';
import { IMAGE_ATTESTATION_ERROR_CODES } from '../../../src/core/attest/image-errors.ts';
import { IMAGE_ATTESTATION_VERIFICATION_CODES } from '../../../src/core/attest/image-verify.ts';
import { ATTESTATION_CHECK_CODES } from '../../../src/core/attest/statement-checks.ts';
import { guideUrl, headingAnchor } from '../../../src/core/doctor/guide-link.ts';
import { DOCTOR_CHECK_IDS } from '../../../src/core/doctor/run.ts';
import { INPUT_ERROR_CODES } from '../../../src/core/errors.ts';
import { OCI_ERROR_CODES } from '../../../src/core/oci/errors.ts';
import { PROXY_ERROR_CODES } from '../../../src/core/proxy/server.ts';
import { SIGNING_ERROR_CODES } from '../../../src/core/signing/errors.ts';
import { IMAGE_VERIFICATION_CODES } from '../../../src/core/signing/image-verify.ts';
import { WORKLOAD_API_ERROR_CODES } from '../../../src/core/spiffe/errors.ts';
import { VAULT_ERROR_CODES } from '../../../src/core/vault/errors.ts';
import { TRANSIT_ERROR_CODES } from '../../../src/core/vault/transit-errors.ts';
import { NODE_VERSION_ERROR_CODES } from '../../../src/entry/node-version.ts';

const root = new URL('../../../', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, root), 'utf8');
const GUIDE = 'docs/troubleshooting.md';

/** Every code list, by the file that declares it (a file with a new coded error adds its list). */
const CODE_LISTS: Readonly<Record<string, readonly string[]>> = {
  'src/core/errors.ts': INPUT_ERROR_CODES,
  'src/core/spiffe/errors.ts': WORKLOAD_API_ERROR_CODES,
  'src/core/vault/errors.ts': VAULT_ERROR_CODES,
  'src/core/vault/transit-errors.ts': TRANSIT_ERROR_CODES,
  'src/core/signing/errors.ts': SIGNING_ERROR_CODES,
  'src/core/signing/image-verify.ts': IMAGE_VERIFICATION_CODES,
  'src/core/oci/errors.ts': OCI_ERROR_CODES,
  'src/core/attest/image-errors.ts': IMAGE_ATTESTATION_ERROR_CODES,
  'src/core/attest/statement-checks.ts': ATTESTATION_CHECK_CODES,
  'src/core/attest/image-verify.ts': IMAGE_ATTESTATION_VERIFICATION_CODES,
  'src/core/proxy/server.ts': PROXY_ERROR_CODES,
  'src/cli/errors.ts': CLI_ERROR_CODES,
  'src/action/run-command.ts': RUN_COMMAND_ERROR_CODES,
  'src/action/proxy-start.ts': PROXY_START_ERROR_CODES,
  'src/entry/node-version.ts': NODE_VERSION_ERROR_CODES,
};
const ALL_CODES = new Set(Object.values(CODE_LISTS).flat());

interface Section {
  readonly level: number;
  /** The heading as written, e.g. "`VAULT_SEALED`". */
  readonly text: string;
  /** The lines under it, up to the next heading of any level. */
  readonly body: string;
}

/** The headings of a Markdown text (not the `#` lines of fenced code) with what follows each. */
function sectionsOf(markdown: string): Section[] {
  const sections: { level: number; text: string; lines: string[] }[] = [];
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (/^\s*```/.test(line)) fenced = !fenced;
    const heading = fenced ? null : /^(#{1,6}) (.+?)\s*$/.exec(line);
    if (heading) sections.push({ level: heading[1]!.length, text: heading[2]!, lines: [] });
    else sections.at(-1)?.lines.push(line);
  }
  return sections.map(({ level, text, lines }) => ({ level, text, body: lines.join('\n').trim() }));
}

/** Every anchor of a Markdown text; repeated headings get -1, -2… as on GitHub. */
function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  for (const { text } of sectionsOf(markdown)) {
    const base = headingAnchor(text);
    let anchor = base;
    for (let n = 1; anchors.has(anchor); n++) anchor = `${base}-${n}`;
    anchors.add(anchor);
  }
  return anchors;
}

/** `### \`NAME\`` sections at one level, by NAME. */
function namedSections(markdown: string, level: number): Map<string, Section[]> {
  const named = new Map<string, Section[]>();
  for (const section of sectionsOf(markdown)) {
    const name = section.level === level ? /^`([^`]+)`$/.exec(section.text)?.[1] : undefined;
    if (name !== undefined) named.set(name, [...(named.get(name) ?? []), section]);
  }
  return named;
}

function missingAndStale(expected: Iterable<string>, found: Map<string, Section[]>): [string[], string[]] {
  const wanted = new Set(expected);
  return [[...wanted].filter((name) => !found.has(name)), [...found.keys()].filter((name) => !wanted.has(name))];
}

const guide = read(GUIDE);

describe('the troubleshooting guide', () => {
  test('has one section, with a body, per error code, and none for a code that does not exist', () => {
    const sections = namedSections(guide, 3);
    const [missing, stale] = missingAndStale(ALL_CODES, sections);
    assert.deepEqual(missing, [], `no "### \`CODE\`" section in ${GUIDE} for: ${missing.join(', ')}`);
    assert.deepEqual(stale, [], `${GUIDE} has sections for codes nothing fails with: ${stale.join(', ')}`);
    for (const [code, found] of sections) {
      assert.equal(found.length, 1, `${code}: ${found.length} sections`);
      assert.ok(found[0]!.body !== '', `${code}: the section is empty`);
    }
  });

  test('has one section, with a body, per doctor check, and none for a check that does not exist', () => {
    const sections = namedSections(guide, 4);
    const [missing, stale] = missingAndStale(DOCTOR_CHECK_IDS, sections);
    assert.deepEqual(
      missing,
      [],
      `no "#### \`id\`" section under "## Doctor checks" in ${GUIDE} for: ${missing.join(', ')}`,
    );
    assert.deepEqual(stale, [], `${GUIDE} has sections for checks doctor never reports: ${stale.join(', ')}`);
    for (const [id, found] of sections) {
      assert.equal(found.length, 1, `${id}: ${found.length} sections`);
      assert.ok(found[0]!.body !== '', `${id}: the section is empty`);
    }
  });

  test('names every reason a classifier gives (the `reason` of a finding)', () => {
    const reasons = classifierReasons();
    assert.ok(reasons.has('role-not-found') && reasons.has('socket-missing'), 'the reasons were not read');
    const codesPart = guide.slice(0, guide.indexOf('\n## Doctor checks'));
    const unnamed = [...reasons].filter((reason) => !codesPart.includes(`\`${reason}\``));
    assert.deepEqual(unnamed, [], `reasons the guide's error codes do not name: ${unnamed.join(', ')}`);
  });

  test('every link into the guide, and every link of the guide, lands on a heading', () => {
    const broken: string[] = [];
    for (const file of markdownFiles()) {
      for (const target of linksOf(read(file))) {
        const [path = '', anchor] = target.split('#');
        if (/^[a-z]+:/i.test(path) || anchor === undefined) continue;
        const into = path === '' ? file : normalize(join(dirname(file), path));
        if (into !== GUIDE && file !== GUIDE) continue;
        if (!into.endsWith('.md') || !anchorsOf(read(into)).has(anchor)) broken.push(`${file}: ${target}`);
      }
    }
    assert.deepEqual(broken, [], `links to no heading:\n${broken.join('\n')}`);
  });

  test('every file that declares a coded error has its code list here', () => {
    const declaring = sourceFiles().filter((file) => /extends CodedError</.test(read(file)));
    const unlisted = declaring.filter((file) => !(file in CODE_LISTS));
    assert.deepEqual(unlisted, [], 'coded errors whose codes the guide test does not know');
  });

  test('every code an entry point prints, or a doctor check reports, is in a code list', () => {
    const found = (folder: string, pattern: RegExp) =>
      sourceFiles()
        .filter((file) => file.startsWith(folder))
        .flatMap((file) => [...read(file).matchAll(pattern)].map((match) => `${file}: ${match[1]}`));
    const printed = found('src/entry/', /\[([A-Z][A-Z0-9_]+)\]/g);
    const reported = found('src/core/doctor/', /\bcode:\s*'([A-Z][A-Z0-9_]+)'/g);
    assert.ok(printed.length > 0 && reported.length > 0, 'no code found in src/entry or src/core/doctor');
    const unknown = [...printed, ...reported].filter((hit) => !ALL_CODES.has(hit.split(': ')[1]!));
    assert.deepEqual(unknown, [], 'codes no code list holds (and so the guide has no section for)');
  });
});

test('headingAnchor: as GitHub makes anchors of headings', () => {
  assert.equal(headingAnchor('`VAULT_LOGIN_DENIED`'), 'vault_login_denied');
  assert.equal(headingAnchor('`workload-api.jwt-svid`'), 'workload-apijwt-svid');
  assert.equal(headingAnchor('Log in with the X.509-SVID (`method: cert`)'), 'log-in-with-the-x509-svid-method-cert');
  assert.equal(headingAnchor("Register the runner's workload"), 'register-the-runners-workload');
  assert.deepEqual([...anchorsOf('# A\n```\n# not a heading\n```\n## A\n')], ['a', 'a-1']);
});

test('guideUrl: the section of this version of the guide', () => {
  assert.match(
    guideUrl('login.role'),
    /^https:\/\/github\.com\/[^/]+\/spiffe-vault-action\/blob\/v\d+\.\d+\.\d+[^/]*\/docs\/troubleshooting\.md#loginrole$/,
  );
  const anchors = anchorsOf(guide);
  for (const target of [...DOCTOR_CHECK_IDS, 'VAULT_SEALED', 'Troubleshooting']) {
    assert.ok(anchors.has(guideUrl(target).split('#')[1]!), `no heading for ${target}`);
  }
});

/** The reasons of the classifiers in src/core/diagnose: `reason: '…'` values and the refusal unions. */
function classifierReasons(): Set<string> {
  const reasons = new Set<string>();
  const quoted = (text: string) => [...text.replace(/[!=]==\s*'[^']*'/g, '').matchAll(/'([a-z][a-z0-9-]*)'/g)];
  for (const name of readdirSync(new URL('src/core/diagnose/', root))) {
    const source = read(`src/core/diagnose/${name}`);
    for (const [, union = ''] of source.matchAll(/export type \w+Refusal =([^;]+);/g)) {
      for (const [, reason] of quoted(union)) reasons.add(reason!);
    }
    for (const [, value = ''] of source.matchAll(/\breason\s*[:=]\s*([^,;\n]+)/g)) {
      for (const [, reason] of quoted(value)) reasons.add(reason!);
    }
  }
  return reasons;
}

/** Link targets of a Markdown text, outside fenced code. */
function linksOf(markdown: string): string[] {
  const prose = markdown.replace(/^\s*```[\s\S]*?^\s*```/gm, '');
  return [...prose.matchAll(/\]\(([^)\s]+)\)/g)].map((match) => match[1]!);
}

function markdownFiles(): string[] {
  const inDir = (dir: string) =>
    readdirSync(new URL(dir || '.', root))
      .filter((name) => name.endsWith('.md'))
      .map((name) => (dir ? `${dir}/${name}` : name));
  const templates = readdirSync(new URL('templates/', root)).flatMap((name) =>
    inDir(`templates/${name}`).filter((file) => file.endsWith('README.md')),
  );
  return [...inDir(''), ...inDir('docs'), ...templates];
}

function sourceFiles(): string[] {
  return (readdirSync(new URL('src/', root), { recursive: true }) as string[])
    .filter((name) => name.endsWith('.ts'))
    .map((name) => `src/${name}`);
}
