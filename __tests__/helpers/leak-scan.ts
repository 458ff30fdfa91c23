// The leak scanner: every place a run wrote to, searched for each secret in every form an encoder
// would give it, after cutting out the occurrences a place is allowed to hold (each with its why).
export type SecretKind = 'Vault token' | 'JWT-SVID' | 'admin token' | 'X.509-SVID key' | 'registry password';

export interface Secret {
  readonly kind: SecretKind;
  readonly value: string;
}

/** A rule that lets a place hold a secret: what it cuts out of the text, and why that is fine. */
export interface Allowance {
  readonly why: string;
  /** `text` without the occurrences of `secret` this rule allows. */
  readonly cut: (text: string, secret: Secret) => string;
}

/** Bytes a run produced: a stream, a runner file, a file on disk, a process's arguments. */
export interface Place {
  readonly name: string;
  readonly text: string;
  readonly allowances?: readonly Allowance[];
}

export interface Leak {
  readonly place: string;
  readonly secret: SecretKind | 'JWT-shaped text' | 'token-shaped text';
  readonly form: string;
}

const JWT_SHAPE = /eyJ[\w-]{8,}\.[\w-]{8,}\.[\w-]*/;
// Vault and OpenBao service, batch and recovery tokens (hvs./s., hvb./b., hvr./r.).
const TOKEN_SHAPE = /(?<![\w.-])(?:hvs|hvb|hvr|s|b|r)\.[A-Za-z0-9_-]{20,}/;
/** Shorter encoded fragments would match by chance; every real secret is far longer. */
const MIN_FRAGMENT = 16;

/**
 * The texts `value` becomes: raw, URL- and form-encoded, JSON-escaped, and base64 (standard and
 * URL-safe). A secret inside a longer base64 text (`token:SECRET`, `user:SECRET` of a Basic
 * header, a JSON document) encodes differently at each of the three byte offsets modulo 3: one
 * fragment per offset, without the edge characters that depend on the bytes around it, finds
 * it at any position.
 */
export function secretForms(value: string): { form: string; text: string }[] {
  const forms = new Map<string, string>();
  const add = (form: string, text: string) => {
    if (text.length >= MIN_FRAGMENT && !forms.has(text)) forms.set(text, form);
  };
  add('raw', value);
  add('URL-encoded', encodeURIComponent(value));
  add('form-encoded', new URLSearchParams({ v: value }).toString().slice(2));
  add('JSON-escaped', JSON.stringify(value).slice(1, -1));
  add('JSON-escaped twice', JSON.stringify(JSON.stringify(value)).slice(3, -3));
  for (const shift of [0, 1, 2]) {
    const encoded = Buffer.from(`${'\0'.repeat(shift)}${value}`).toString('base64');
    const fragment = encoded.slice(shift === 0 ? 0 : 4, -4);
    add(`base64 (offset ${shift})`, fragment);
    add(`base64url (offset ${shift})`, fragment.replace(/\+/g, '-').replace(/\//g, '_'));
  }
  return [...forms].map(([text, form]) => ({ form, text }));
}

function cutAllowed(place: Place, secret: Secret): string {
  return (place.allowances ?? []).reduce((text, allowance) => allowance.cut(text, secret), place.text);
}

/** Every secret, in every form, in every place (allowed occurrences cut out), and any JWT or token shape left. */
export function scanForLeaks(places: readonly Place[], secrets: readonly Secret[]): Leak[] {
  const leaks: Leak[] = [];
  const unique = [...new Map(secrets.filter((s) => s.value).map((s) => [s.value, s])).values()];
  for (const place of places) {
    for (const secret of unique) {
      const text = cutAllowed(place, secret);
      for (const { form, text: needle } of secretForms(secret.value)) {
        if (text.includes(needle)) leaks.push({ place: place.name, secret: secret.kind, form });
      }
    }
    // A secret the capture missed still has a recognisable shape.
    const rest = unique.reduce((text, secret) => cutAllowed({ ...place, text }, secret), place.text);
    if (JWT_SHAPE.test(rest)) leaks.push({ place: place.name, secret: 'JWT-shaped text', form: 'raw' });
    if (TOKEN_SHAPE.test(rest)) leaks.push({ place: place.name, secret: 'token-shaped text', form: 'raw' });
  }
  return leaks;
}

/** How many places held a secret where an allowance let it be: shows the allowances were put to the test. */
export function allowedPlaces(places: readonly Place[], secrets: readonly Secret[]): number {
  return places.filter((place) => secrets.some((secret) => cutAllowed(place, secret) !== place.text)).length;
}

/** One line per leak, naming no secret: safe for an assertion message. */
export function describeLeaks(leaks: readonly Leak[]): string {
  return leaks.map((leak) => `${leak.secret} (${leak.form}) in ${leak.place}`).join('\n');
}

function removeAll(text: string, value: string): string {
  return value ? text.split(value).join('') : text;
}

// --- Allowances: each says where a secret may be, and only its raw form there. ---

/** The runner reads `::add-mask::VALUE` and never prints it: the command itself is not a leak. */
export const maskCommand: Allowance = {
  why: 'the add-mask workflow command is consumed by the runner, not printed',
  cut: (text, secret) => removeAll(text, `::add-mask::${secret.value}`),
};

export const CHILD_BEGIN = '===leak-matrix child begin===';
export const CHILD_END = '===leak-matrix child end===';

/**
 * The child command's own output (it prints its environment on purpose), between the markers it
 * prints: a Vault token only (the command never gets a JWT-SVID or another secret). With `afterMask`, only where the secret's add-mask line came earlier in the same
 * stream: the runner masks what follows it. Put it before `maskCommand`, which cuts that line.
 */
export function childOutput(why: string, afterMask = false): Allowance {
  return {
    why,
    cut: (text, secret) =>
      text.replace(new RegExp(`${CHILD_BEGIN}[\\s\\S]*?(?:${CHILD_END}|$)`, 'g'), (section, offset: number) =>
        secret.kind === 'Vault token' && (!afterMask || text.slice(0, offset).includes(`::add-mask::${secret.value}\n`))
          ? removeAll(section, secret.value)
          : section,
      ),
  };
}

/** NAME=VALUE or NAME<<DELIMITER lines of a runner file command, for the names given. */
export function fileCommandValue(why: string, names: readonly string[], masked: ReadonlySet<string>): Allowance {
  return {
    why,
    cut: (text, secret) => {
      if (secret.kind !== 'Vault token' || !masked.has(secret.value)) return text;
      const lines = text.split('\n');
      let inside: string | undefined;
      return lines
        .map((line) => {
          if (inside !== undefined) {
            if (line === inside) inside = undefined;
            return removeAll(line, secret.value);
          }
          const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
          if (heredoc && names.includes(heredoc[1] as string)) inside = heredoc[2];
          const assignment = /^([^=<]+)=/.exec(line);
          return assignment && names.includes(assignment[1] as string) ? removeAll(line, secret.value) : line;
        })
        .join('\n');
    },
  };
}

/** Lines matching `pattern` may hold a Vault token: e.g. the export line of `auth` for eval. */
export function tokenOnLines(why: string, pattern: RegExp): Allowance {
  return {
    why,
    cut: (text, secret) =>
      secret.kind !== 'Vault token'
        ? text
        : text
            .split('\n')
            .map((line) => (pattern.test(line) ? removeAll(line, secret.value) : line))
            .join('\n'),
  };
}

/** The values of `::add-mask::` lines, in order. */
export function maskedValues(stdout: string): Set<string> {
  return new Set([...stdout.matchAll(/^::add-mask::(.*)$/gm)].map((m) => m[1] as string));
}
