/**
 * The CLI help text: one page per command, rendered from its flag groups (the option table), and
 * the main page.
 */
import type { FlagSpec } from './args.ts';
import type { Command } from './command.ts';

const INDENT = '  ';
const DEFAULT_EXIT_CODES = ['0 ok, 1 failure, 2 bad usage (a wrong or missing flag)'];

const WIDTH = 100;
const LABEL_WIDTH = 26;

/** `-h, --help`, `--auth-path PATH`. */
function flagLabel(name: string, spec: FlagSpec): string {
  const short = (spec.aliases ?? []).filter((alias) => alias.length === 1).map((alias) => `-${alias}, `);
  return `${short.join('')}--${name}${spec.type === 'string' ? ` ${spec.value ?? 'VALUE'}` : ''}`;
}

/** The description, plus the Go CLI spelling when there is one; wrapped to the help's width. */
function flagText(spec: FlagSpec, indent: number): string[] {
  const long = (spec.aliases ?? []).filter((alias) => alias.length > 1);
  const text = long.length > 0 ? `${spec.description}; also -${long.join(', -')}` : spec.description;
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && indent + line.length + 1 + word.length > WIDTH) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  return [...lines, line];
}

export function renderCommandHelp(command: Command): string {
  const rows = command.groups.flatMap((group) =>
    Object.entries(group.flags).map(([name, spec]) => ({ group: group.title, label: flagLabel(name, spec), spec })),
  );
  const width = Math.min(LABEL_WIDTH, Math.max(...rows.map((row) => row.label.length)));
  const textIndent = INDENT.length + width + 2;
  const lines: string[] = [`spiffe-vault ${command.name}: ${command.summary}`, '', 'Usage:'];
  lines.push(...command.usage.map((usage) => `${INDENT}${usage}`), '', command.description, '');
  for (const group of command.groups) {
    lines.push(`${group.title} flags:`);
    for (const row of rows.filter((r) => r.group === group.title)) {
      const [first, ...more] = flagText(row.spec, textIndent);
      const pad = row.label.length > width ? `\n${' '.repeat(textIndent - 2)}` : ' '.repeat(width - row.label.length);
      lines.push(`${INDENT}${row.label}${pad}  ${first}`, ...more.map((text) => `${' '.repeat(textIndent)}${text}`));
    }
    lines.push('');
  }
  lines.push(
    'Flags take one or two dashes: -role ci, --role ci, --role=ci. Booleans: --x, --x=true, --x=false, --no-x.',
    '',
  );
  lines.push('Examples:', ...command.examples.map((example) => `${INDENT}${example}`), '');
  lines.push('Exit codes:', ...(command.exitCodes ?? DEFAULT_EXIT_CODES).map((line) => `${INDENT}${line}`), '');
  return lines.join('\n');
}

export function renderMainHelp(commands: readonly Command[], version: string): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    `spiffe-vault ${version}: the CI runner's SPIFFE identity → a short-lived Vault token; sign with Vault transit`,
    '',
    'Usage:',
    `${INDENT}spiffe-vault COMMAND [flags] [args]`,
    `${INDENT}spiffe-vault COMMAND --help`,
    '',
    'Commands:',
    ...commands.map((c) => `${INDENT}${c.name.padEnd(width)}  ${c.summary}`),
    `${INDENT}${'version'.padEnd(width)}  print the version (also --version)`,
    '',
    'Examples:',
    `${INDENT}eval "$(spiffe-vault auth -role ci)"`,
    `${INDENT}spiffe-vault exec -role ci -- vault kv get secret/app`,
    `${INDENT}spiffe-vault sign-blob -role ci 'dist/*.tar.gz'`,
    `${INDENT}spiffe-vault verify-blob --key cosign.pub --bundle app.tar.gz.sigstore.json app.tar.gz`,
    '',
    'Environment: VAULT_ADDR, VAULT_NAMESPACE, VAULT_CACERT, VAULT_CLIENT_CERT, VAULT_CLIENT_KEY,',
    'VAULT_SKIP_VERIFY, SPIFFE_ENDPOINT_SOCKET, VAULT_TOKEN (revoke, sign-blob without --role),',
    'HTTPS_PROXY/NO_PROXY; SPIFFE_VAULT_DEBUG=1 for debug output.',
    'Results go to stdout, messages to stderr (secrets redacted); an error is one line with a [CODE].',
    "Exit codes: 0 ok, 1 failure, 2 bad usage; exec: the command's own.",
    '',
  ].join('\n');
}
