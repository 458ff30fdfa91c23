/** Option rows for the Vault connection: address, namespace, TLS, timeout. */
import { DEFAULT_TIMEOUT } from '../defaults.ts';
import { InputError } from '../errors.ts';
import { parseDuration, parseHttpUrl } from '../parse.ts';
import { defineOption, type Front } from './spec.ts';
import { booleanValue } from './values.ts';

const ALL: readonly Front[] = ['action', 'cli', 'gitlab'];
const NOT_GITLAB: readonly Front[] = ['action', 'cli'];

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
      if (/\s/.test(raw.value)) throw new InputError(`${raw.source}: '${raw.value}' is not a namespace path`);
      return raw.value.replace(/^\/+|\/+$/g, '');
    },
  }),
  'ca-cert': defineOption({
    name: 'ca-cert',
    kind: 'string',
    metavar: 'PEM',
    help: "CA certificate (PEM text or file) that signed Vault's certificate",
    defaultHelp: '$VAULT_CACERT, then $BAO_CACERT',
    env: ['VAULT_CACERT', 'BAO_CACERT'],
    fronts: NOT_GITLAB,
    parse: (raw) => raw,
  }),
  'client-cert': defineOption({
    name: 'client-cert',
    kind: 'string',
    metavar: 'PEM',
    help: 'client certificate (PEM text or file) for mutual TLS to Vault; give client-key too',
    defaultHelp: '$VAULT_CLIENT_CERT, then $BAO_CLIENT_CERT',
    env: ['VAULT_CLIENT_CERT', 'BAO_CLIENT_CERT'],
    fronts: NOT_GITLAB,
    parse: (raw) => raw,
  }),
  'client-key': defineOption({
    name: 'client-key',
    kind: 'string',
    metavar: 'PEM',
    help: "the client certificate's private key (PEM text or file)",
    defaultHelp: '$VAULT_CLIENT_KEY, then $BAO_CLIENT_KEY',
    env: ['VAULT_CLIENT_KEY', 'BAO_CLIENT_KEY'],
    fronts: NOT_GITLAB,
    parse: (raw) => raw,
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
