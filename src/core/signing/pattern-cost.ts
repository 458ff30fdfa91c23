/**
 * A bound on what a file pattern costs to expand, checked before globbing: brace expansion
 * multiplies (`{a,b}` twenty times is a million patterns, `{1..100000}` a hundred thousand) and
 * every `**` walks the tree again, so a mistyped pattern could hang a run for minutes.
 */

/** More patterns than any real list of files needs (`dist/{a,b,c}/*.{tar.gz,zip}` is 6). */
export const MAX_BRACE_EXPANSIONS = 1024;
/** `**` segments in one pattern (`a/**\/b/**\/c` has 2). */
export const MAX_GLOBSTARS = 8;

/** Why `pattern` is too costly to expand, or undefined when it is not. */
export function patternCostProblem(pattern: string): string | undefined {
  const expansions = braceExpansions(pattern);
  if (expansions > MAX_BRACE_EXPANSIONS) {
    return `its braces expand to more than ${MAX_BRACE_EXPANSIONS} patterns`;
  }
  const globstars = pattern.split('**').length - 1;
  if (globstars > MAX_GLOBSTARS) return `it has more than ${MAX_GLOBSTARS} '**'`;
  return undefined;
}

/**
 * An upper bound on the patterns brace expansion makes: the product over every `{…}` group of
 * its alternatives (or the size of its `{x..y}` range). Capped, so it never overflows.
 */
function braceExpansions(pattern: string): number {
  let total = 1;
  const groups: { start: number; alternatives: number }[] = [];
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    // No escapes: Node's glob reads a backslash as a path separator, `\{1..9}` is still a range.
    if (c === '{') groups.push({ start: i, alternatives: 1 });
    else if (c === ',' && groups.length > 0) (groups[groups.length - 1] as { alternatives: number }).alternatives++;
    else if (c === '}' && groups.length > 0) {
      const group = groups.pop() as { start: number; alternatives: number };
      const size = group.alternatives > 1 ? group.alternatives : rangeSize(pattern.slice(group.start + 1, i));
      total = Math.min(total * size, Number.MAX_SAFE_INTEGER);
    }
  }
  return total;
}

/** `1..100` → 100, `a..z` → 26; 1 for anything else. */
function rangeSize(body: string): number {
  const numeric = /^(-?\d+)\.\.(-?\d+)(?:\.\.-?\d+)?$/.exec(body);
  if (numeric) return Math.abs(Number(numeric[2]) - Number(numeric[1])) + 1;
  const letters = /^([A-Za-z])\.\.([A-Za-z])(?:\.\.-?\d+)?$/.exec(body);
  if (letters) return Math.abs((letters[2] as string).charCodeAt(0) - (letters[1] as string).charCodeAt(0)) + 1;
  return 1;
}
