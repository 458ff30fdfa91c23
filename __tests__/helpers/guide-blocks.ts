// The fenced blocks of a Markdown guide whose info strings say whether the tests run them:
// "```sh tested server", "```hcl tested spire-agent", "```yaml untested" (docs/runners.md).

export interface GuideBlock {
  /** 1-based line of the opening fence. */
  readonly line: number;
  /** The info string's words: language, `tested` or `untested`, then the block's tags. */
  readonly lang: string;
  readonly status: string;
  readonly tags: readonly string[];
  readonly body: string;
}

/** The top-level fenced blocks, in order. Throws on a fence that is never closed. */
export function guideBlocks(markdown: string): GuideBlock[] {
  const lines = markdown.split('\n');
  const blocks: GuideBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(`{3,})(.*)$/.exec(lines[i] ?? '');
    if (!open) continue;
    const fence = open[1] ?? '```';
    const [lang = '', status = '', ...tags] = (open[2] ?? '').trim().split(/\s+/).filter(Boolean);
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      const line = lines[j] ?? '';
      if (line.startsWith(fence) && line.slice(fence.length).trim() === '') break;
      body.push(line);
    }
    if (j >= lines.length) throw new Error(`the fence opened at line ${i + 1} is never closed`);
    blocks.push({ line: i + 1, lang, status, tags, body: body.join('\n') + '\n' });
    i = j;
  }
  return blocks;
}

/** Lines that open or close an indented fence: the parser above would not see such a block. */
export function indentedFences(markdown: string): number[] {
  return markdown.split('\n').flatMap((line, index) => (/^\s+`{3,}/.test(line) ? [index + 1] : []));
}

/** What is wrong with a block's marking, or undefined. */
export function markingProblem(block: GuideBlock): string | undefined {
  const at = `line ${block.line}`;
  if (block.status === 'untested') {
    const first = block.body.split('\n')[0] ?? '';
    return /^# untested: \S.{15,}/.test(first)
      ? undefined
      : `${at}: an untested block must start with "# untested: <why it cannot run here>"`;
  }
  if (block.status !== 'tested') return `${at}: the info string must say "tested" or "untested" after the language`;
  const [where, ...rest] = block.tags;
  if (block.lang === 'sh') {
    if (where !== 'server' && where !== 'runner') return `${at}: a tested sh block runs on "server" or "runner"`;
    const unknown = rest.filter((tag) => tag !== 'jwt-config');
    if (unknown.length > 0) return `${at}: unknown tags ${unknown.join(', ')}`;
    if (where === 'runner' && rest.length > 0) return `${at}: runner blocks take no tags`;
    return undefined;
  }
  if (block.lang === 'hcl') {
    return (where === 'spire-server' || where === 'spire-agent') && rest.length === 0
      ? undefined
      : `${at}: a tested hcl block is a spire-server or spire-agent configuration`;
  }
  return `${at}: the tests run only sh and hcl blocks; mark this one untested and say why`;
}
