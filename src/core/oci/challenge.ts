/** A parsed `WWW-Authenticate` challenge (RFC 7235): scheme and auth-params. */
export interface AuthChallenge {
  /** Lowercase: 'bearer', 'basic', … */
  readonly scheme: string;
  /** Lowercase parameter names: realm, service, scope, error… */
  readonly params: Readonly<Record<string, string>>;
}

/**
 * Parses `Bearer realm="https://auth.example/token",service="registry.example",scope="repository:a/b:pull,push"`.
 * Quoted values may contain commas and escaped quotes; token values are taken as they are. The
 * first challenge is returned when a header carries several. Undefined for an empty header.
 */
export function parseAuthChallenge(header: string | undefined): AuthChallenge | undefined {
  if (!header) return undefined;
  const text = header.trim();
  const schemeMatch = /^([A-Za-z][A-Za-z0-9!#$%&'*+.^_`|~-]*)(?:\s+|$)/.exec(text);
  if (!schemeMatch?.[1]) return undefined;
  const params = new Map<string, string>();
  let i = schemeMatch[0].length;
  while (i < text.length) {
    const nameMatch = /^\s*,?\s*([A-Za-z0-9!#$%&'*+.^_`|~-]+)\s*=\s*/.exec(text.slice(i));
    if (!nameMatch?.[1]) break;
    i += nameMatch[0].length;
    let value = '';
    if (text[i] === '"') {
      i++;
      while (i < text.length && text[i] !== '"') {
        if (text[i] === '\\' && i + 1 < text.length) i++;
        value += text[i];
        i++;
      }
      i++; // closing quote
    } else {
      const token = /^[^\s,]*/.exec(text.slice(i))?.[0] ?? '';
      value = token;
      i += token.length;
    }
    const name = nameMatch[1].toLowerCase();
    // A second scheme starts where a name is followed by a space instead of '=': stop there.
    // (A Map, so that names such as `constructor` are not taken for ones already seen.)
    if (params.has(name)) break;
    params.set(name, value);
  }
  return { scheme: schemeMatch[1].toLowerCase(), params: Object.fromEntries(params) };
}
