/** Option rows for the Vault connection: address, namespace, TLS, timeout. */
import { DEFAULT_TIMEOUT } from '../defaults.ts';
import { InputError } from '../errors.ts';
import { parseDuration, parseHttpUrl, trimSlashes } from '../parse.ts';
import { defineOption, type Front, type RawValue } from './spec.ts';
import { booleanValue } from './values.ts';

const ALL: readonly Front[] = ['action', 'cli', 'gitlab'];
const NOT_GITLAB: readonly Front[] = ['action', 'cli'];

/** TLS material, PEM text or a file: read by the connection parser (relative to the workspace). */
function pemOption(row: { name: string; help: string; variable: string }) {
  return defineOption({
    name: row.name,
    kind: 'string',
    metavar: 'PEM',
    help: row.help,
    defaultHelp: `$VAULT_${row.variable}, then $BAO_${row.variable}`,
    env: [`VAULT_${row.variable}`, `BAO_${row.variable}`],
    fronts: NOT_GITLAB,
    parse: (raw: RawValue) => raw,
  });
}

export const CONNECTION_OPTIONS = {
  'vault-addr': defineOption({
    name: 'vault-addr',
    kind: 'string',
    metavar: 'URL',
    help: 'Vault or OpenBao address, e.g. https://vault.example.com:8200',
    defaultHelp: '$VAULT_ADDR, then $BAO_ADDR',
    env: ['VAULT_ADDR', 'BAO_ADDR'],
    fronts: ALL,
    parse: (raw) => {
      if (raw.value === '') {
        throw new InputError(
          `${raw.source}: not set — give ${raw.source} or set VAULT_ADDR, e.g. https://vault.example.com:8200`,
        );
      }
      return parseHttpUrl(raw.source, raw.value);
    },
  }),
  namespace: defineOption({
    name: 'namespace',
    kind: 'string',
    metavar: 'NS',
    help: 'Vault Enterprise or OpenBao namespace',
    defaultHelp: '$VAULT_NAMESPACE, then $BAO_NAMESPACE',
    env: ['VAULT_NAMESPACE', 'BAO_NAMESPACE'],
    fronts: ALL,
    parse: (raw) => {
      if (/\s|\/\//.test(raw.value)) throw new InputError(`${raw.source}: '${raw.value}' is not a namespace path`);
      return trimSlashes(raw.value);
    },
  }),
  'ca-cert': pemOption({
    name: 'ca-cert',
    help: "CA certificate (PEM text or file) that signed Vault's certificate",
    variable: 'CACERT',
  }),
  'client-cert': pemOption({
    name: 'client-cert',
    help: 'client certificate (PEM text or file) for mutual TLS to Vault; give client-key too',
    variable: 'CLIENT_CERT',
  }),
  'client-key': pemOption({
    name: 'client-key',
    help: "the client certificate's private key (PEM text or file)",
    variable: 'CLIENT_KEY',
  }),
  'tls-skip-verify': defineOption({
    name: 'tls-skip-verify',
    kind: 'boolean',
    help: "do not verify Vault's TLS certificate (prints a warning; for tests only)",
    default: 'false',
    env: ['VAULT_SKIP_VERIFY', 'BAO_SKIP_VERIFY'],
    fronts: NOT_GITLAB,
    parse: booleanValue,
  }),
  timeout: defineOption({
    name: 'timeout',
    kind: 'string',
    metavar: 'DUR',
    help: 'how long to keep retrying the Workload API, Vault and each registry request (30s, 2m)',
    default: DEFAULT_TIMEOUT,
    fronts: NOT_GITLAB,
    parse: (raw) => parseDuration(raw.source, raw.value),
  }),
} as const;
