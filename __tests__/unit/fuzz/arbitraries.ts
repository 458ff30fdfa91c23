/**
 * Inputs for the fuzz properties: valid pieces mixed with hostile ones (control characters,
 * unicode, huge strings, planted secrets, prototype keys, numbers at the edges, deep nesting).
 */
import fc from 'fast-check';

const BASE62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const base62 = (min: number, max: number) =>
  fc.string({ unit: fc.constantFrom(...BASE62), minLength: min, maxLength: max });
const base64url = (min: number, max: number) =>
  fc.string({ unit: fc.constantFrom(...`${BASE62}-_`), minLength: min, maxLength: max });

/** A Vault or OpenBao token (hvs./hvb./s.) or a compact JWT: what no message may echo. */
export const plantedSecret: fc.Arbitrary<string> = fc.oneof(
  fc.tuple(fc.constantFrom('hvs.', 'hvb.', 'hvr.'), base64url(24, 40)).map(([p, t]) => p + t),
  fc.tuple(fc.constantFrom('s.', 'b.'), base62(24, 24)).map(([p, t]) => p + t),
  fc.tuple(base64url(8, 40), base64url(8, 60), base64url(0, 40)).map(([h, p, s]) => `eyJ${h}.eyJ${p}.${s}`),
);

/** C0 controls, DEL, and unicode that trips naive code (BOM, bidi override, line separator, lone surrogate). */
export const awkwardChar: fc.Arbitrary<string> = fc.oneof(
  fc.integer({ min: 0, max: 31 }).map((c) => String.fromCharCode(c)),
  fc.constantFrom(
    '\u007f',
    '\u0085',
    '\u00a0',
    '\u2028',
    '\u202e',
    '\ufeff',
    '\ud800',
    '\udfff',
    '\u{1F600}',
    'İ',
    'ß',
  ),
);

/**
 * A piece repeated 10k-60k times between a prefix and a suffix that break the match at the end
 * (`a` + 60k `/` + `a`): bait for size limits and for regular expressions that backtrack.
 */
export const hugeString: fc.Arbitrary<string> = fc
  .tuple(
    fc.constantFrom('', 'a', '1', 'x:', 'spiffe://', 'unix://', 'Bearer '),
    fc.constantFrom('a', '/', ':', '.', '-', '9', ' ', '"', '\\', '{', 'a=b,', 'a/', '0.', '1s', '1.1', 'a."', '\t'),
    fc.integer({ min: 10_000, max: 60_000 }),
    fc.constantFrom('', 'a', 'x', '!', ' ', '\n', '"', '@', '='),
  )
  .map(([prefix, piece, n, suffix]) => prefix + piece.repeat(Math.ceil(n / piece.length)) + suffix);

/** Strings built from `pieces` (the grammar's own tokens) with hostile bits between them. */
export function fromPieces(pieces: readonly string[], maxPieces = 10): fc.Arbitrary<string> {
  return fc
    .array(
      fc.oneof(
        { weight: 8, arbitrary: fc.constantFrom(...pieces) },
        { weight: 2, arbitrary: fc.string({ maxLength: 4 }) },
        { weight: 1, arbitrary: awkwardChar },
        { weight: 1, arbitrary: plantedSecret },
      ),
      { maxLength: maxPieces },
    )
    .map((parts) => parts.join(''));
}

/** Mostly grammar-shaped strings, sometimes arbitrary unicode, binary-ish or huge ones. */
export function hostileText(pieces: readonly string[], maxPieces?: number): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 12, arbitrary: fromPieces(pieces, maxPieces) },
    { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
    { weight: 1, arbitrary: plantedSecret },
    { weight: 1, arbitrary: hugeString },
  );
}

/** Numbers a JSON answer may carry (1e400 parses to Infinity) and a few it should not. */
export const edgeNumber: fc.Arbitrary<number> = fc.oneof(
  fc.constantFrom(0, -0, -1, 1, 2, 1.5, 2 ** 31, 2 ** 32, 2 ** 53, 2 ** 53 + 2, -(2 ** 53), 1e21, 1e308, -1e308),
  fc.constantFrom(Infinity, -Infinity, NaN, Number.MIN_VALUE),
  fc.integer({ min: -10, max: 10 }),
  fc.double(),
);

/** Keys that collide with Object.prototype, and ordinary ones. */
export const prototypeKey: fc.Arbitrary<string> = fc.constantFrom(
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'valueOf',
);

/** An object with own keys as JSON.parse makes them (`__proto__` included as an own key). */
export function objectOf(key: fc.Arbitrary<string>, value: fc.Arbitrary<unknown>): fc.Arbitrary<object> {
  return fc.array(fc.tuple(key, value), { maxLength: 6 }).map((entries) => Object.fromEntries(entries));
}

function nest(depth: number, arrays: boolean): unknown {
  let value: unknown = 'x';
  for (let i = 0; i < depth; i++) value = arrays ? [value] : { a: value };
  // How a counterexample shows it (fast-check's own printer would overflow the stack).
  const name = `${arrays ? 'arrays' : 'objects'} nested ${depth} deep`;
  Object.defineProperty(value, fc.toStringMethod, { value: () => name });
  return value;
}

/** JSON text nested 20k deep. */
const DEEP_JSON_TEXTS = [
  `${'['.repeat(20_000)}${']'.repeat(20_000)}`,
  `${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}`,
];

/** Deep values and the text each stands for in JSON (too deep to stringify: the deep texts). */
const DEEP_VALUES = new Map<unknown, string>([
  [nest(2_000, true), JSON.stringify(nest(2_000, true))],
  [nest(2_000, false), JSON.stringify(nest(2_000, false))],
  [nest(12_000, true), DEEP_JSON_TEXTS[0] as string],
  [nest(12_000, false), DEEP_JSON_TEXTS[1] as string],
]);

/** Arrays or objects nested 2k-12k deep (built once: cases share them): stack bait for recursive code. */
export const deeplyNested: fc.Arbitrary<unknown> = fc.constantFrom(...DEEP_VALUES.keys());

/** Any JSON-ish value, with hostile keys, strings and numbers, some deeply nested. */
export const hostileJson: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { weight: 6, arbitrary: fc.constant(null) },
    { weight: 6, arbitrary: fc.boolean() },
    { weight: 6, arbitrary: edgeNumber },
    { weight: 6, arbitrary: hostileText(['a', '1', 'sha256:', 'PUBLIC KEY', 'vault:v1:']) },
    { weight: 6, arbitrary: fc.array(tie('value'), { maxLength: 4 }) },
    { weight: 6, arbitrary: objectOf(fc.oneof(prototypeKey, fc.string({ maxLength: 6 })), tie('value')) },
    { weight: 1, arbitrary: deeplyNested },
  ),
})).value;

/** `shape` with each field sometimes replaced by a hostile value, dropped, or a prototype key added. */
export function mutated(shape: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<Record<string, unknown>> {
  const fields = Object.entries(shape).map(([key, valid]) =>
    fc
      .oneof(
        { weight: 24, arbitrary: valid },
        { weight: 1, arbitrary: hostileJson },
        { weight: 2, arbitrary: fc.constant(undefined) },
      )
      .map((value) => [key, value] as const),
  );
  return fc
    .tuple(fc.tuple(...fields), fc.option(fc.tuple(prototypeKey, hostileJson), { freq: 8 }))
    .map(([entries, extra]) => {
      const kept = entries.filter(([, value]) => value !== undefined);
      return Object.fromEntries(extra ? [...kept, extra] : kept);
    });
}

const edit = fc.oneof(
  fc.constant(''),
  fc.constantFrom('/', ':', '.', '@', '%', '?', '#', '[', ']', ' ', '\n', '=', ',', '"', '\\', '*', '..', '//'),
  awkwardChar,
  plantedSecret,
  fc.string({ maxLength: 3 }),
);

/**
 * Valid values, kept as they are half of the time, else with one to three edits (a piece of
 * text inserted or put in place of a slice): cases on both sides of the grammar's edge.
 */
export function nearValid(valid: fc.Arbitrary<string>): fc.Arbitrary<string> {
  const edits = fc.array(fc.tuple(fc.nat(), fc.nat({ max: 3 }), edit), { minLength: 1, maxLength: 3 });
  return fc.oneof(
    valid,
    fc.tuple(valid, edits).map(([text, changes]) =>
      changes.reduce((t, [at, cut, piece]) => {
        const i = at % (t.length + 1);
        return t.slice(0, i) + piece + t.slice(i + cut);
      }, text),
    ),
  );
}

/** JSON text of `value` (its deep parts as deep text), sometimes text nested 20k deep. */
export function jsonText(value: fc.Arbitrary<unknown>): fc.Arbitrary<string> {
  const text = value.map((v) => {
    const deep: string[] = [];
    // Stringifying a 12k-deep value overflows the stack, slowly: put its text in afterwards.
    const json =
      JSON.stringify(v, (_key, item: unknown) => {
        const known = DEEP_VALUES.get(item);
        if (known === undefined) return item;
        deep.push(known);
        return `\u0000deep${deep.length - 1}`;
      }) ?? 'null';
    return deep.length === 0 ? json : json.replace(/"\\u0000deep(\d+)"/g, (_m, i: string) => deep[Number(i)] as string);
  });
  return fc.oneof({ weight: 30, arbitrary: text }, { weight: 1, arbitrary: fc.constantFrom(...DEEP_JSON_TEXTS) });
}
