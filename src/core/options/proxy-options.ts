/**
 * Option rows of the job-local Vault proxy: later steps reach Vault through it and hold no
 * token. The CLI's own proxy flags (--background, --ready-file) are not options of other fronts.
 */
import { parseAllowList, type AllowList } from '../proxy/allow-list.ts';
import { defineOption } from './spec.ts';
import { booleanValue, listValue } from './values.ts';

export const PROXY_OPTIONS = {
  proxy: defineOption({
    name: 'proxy',
    kind: 'boolean',
    help: 'start a job-local Vault proxy: later steps reach Vault through it (VAULT_ADDR) and get no token',
    default: 'false',
    fronts: ['action', 'gitlab'],
    parse: booleanValue,
  }),
  'proxy-allow': defineOption({
    name: 'proxy-allow',
    flag: 'allow',
    kind: 'string',
    metavar: 'PATHS',
    help: "Vault API paths the proxy forwards, comma-separated, in policy syntax ('transit/sign/cosign/*'); others get 403",
    defaultHelp: 'every path the token may use',
    fronts: ['action', 'cli', 'gitlab'],
    parse: (raw): AllowList => parseAllowList(listValue(raw), raw.source),
  }),
  'proxy-listen': defineOption({
    name: 'proxy-listen',
    flag: 'listen',
    kind: 'string',
    metavar: 'ADDR',
    help: 'where the proxy listens: unix:///path/vault.sock, or 127.0.0.1:PORT for clients without unix socket support',
    defaultHelp: 'a new private unix socket',
    fronts: ['action', 'cli'],
    parse: (raw) => raw,
  }),
} as const;
