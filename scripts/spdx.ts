// Checks an SPDX licence expression (a package.json `license`) against an allow-list. `A OR B`
// passes when either side does (we may take the package under that one), `A AND B` only when
// both do. Ids compare case-insensitively, as SPDX says; `id+` ("or later") passes when `id` does.
// `id WITH exception` passes only when the list has that exact pair.

type Token = '(' | ')' | 'AND' | 'OR' | 'WITH' | { id: string };

function tokenize(expression: string): Token[] {
  const tokens: Token[] = [];
  for (const word of expression.split(/([()])|\s+/)) {
    if (!word) continue;
    const upper = word.toUpperCase();
    if (word === '(' || word === ')') tokens.push(word);
    else if (upper === 'AND' || upper === 'OR' || upper === 'WITH') tokens.push(upper);
    else tokens.push({ id: word });
  }
  return tokens;
}

/** Whether `expression` is satisfied by the licences in `allowed`; throws on a malformed expression. */
export function satisfies(expression: string, allowed: Iterable<string>): boolean {
  const allow = new Set([...allowed].map((id) => id.toLowerCase()));
  const tokens = tokenize(expression);
  let at = 0;
  const fail = (what: string): never => {
    throw new SyntaxError(`not a valid SPDX expression (${what}): ${JSON.stringify(expression)}`);
  };
  const id = (): string => {
    const token = tokens[at++];
    return typeof token === 'object' ? token.id : fail(`expected a licence id at token ${at}`);
  };
  // Precedence: WITH, then AND, then OR.
  const atom = (): boolean => {
    if (tokens[at] === '(') {
      at++;
      const value = or();
      if (tokens[at++] !== ')') fail('unbalanced parentheses');
      return value;
    }
    const licence = id().replace(/\+$/, '').toLowerCase();
    if (tokens[at] !== 'WITH') return allow.has(licence);
    at++;
    return allow.has(`${licence} with ${id().toLowerCase()}`);
  };
  const and = (): boolean => {
    let value = atom();
    while (tokens[at] === 'AND') {
      at++;
      value = atom() && value;
    }
    return value;
  };
  const or = (): boolean => {
    let value = and();
    while (tokens[at] === 'OR') {
      at++;
      value = and() || value;
    }
    return value;
  };
  const value = or();
  if (at !== tokens.length) fail(`unexpected token ${at + 1}`);
  return value;
}
