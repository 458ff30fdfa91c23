/** Option rows for the login: which identity, which Vault role, which auth method. */
import { DEFAULT_AUDIENCE, DEFAULT_AUTH_PATH, DEFAULT_CERT_AUTH_PATH } from '../defaults.ts';
import { describeError, InputError } from '../errors.ts';
import { parseDuration } from '../parse.ts';
import { DEFAULT_AGENT_SOCKET, parseWorkloadApiAddress } from '../spiffe/address.ts';
import { parseSpiffeId } from '../spiffe/spiffe-id.ts';
import { defineOption, type Front } from './spec.ts';
import { listValue, mountPath, oneOf, plainName } from './values.ts';

/** How the workload proves its identity to Vault. */
export type LoginMethod = 'jwt' | 'cert';
export const LOGIN_METHODS: readonly LoginMethod[] = ['jwt', 'cert'];
export const DEFAULT_LOGIN_METHOD: LoginMethod = 'jwt';

const ALL: readonly Front[] = ['action', 'cli', 'gitlab'];
const NOT_GITLAB: readonly Front[] = ['action', 'cli'];

export const LOGIN_OPTIONS = {
  method: defineOption({
    name: 'method',
    kind: 'string',
    metavar: 'METHOD',
    help: "how to log in: jwt (a JWT-SVID, Vault's JWT auth method) or cert (the X.509-SVID as TLS client certificate, Vault's cert auth method)",
    default: DEFAULT_LOGIN_METHOD,
    fronts: ALL,
    parse: (raw): LoginMethod => oneOf(raw, LOGIN_METHODS),
  }),
  role: defineOption({
    name: 'role',
    kind: 'string',
    metavar: 'ROLE',
    help: 'the Vault role to log in with (jwt: bound to the audience and the SPIFFE ID; cert: allowed_uri_sans = the SPIFFE ID)',
    fronts: ALL,
    required: true,
    parse: (raw) => {
      if (raw.value === '') {
        throw new InputError(`${raw.source}: required — name the Vault role to log in with, e.g. ${raw.source} ci`);
      }
      return plainName(raw, 'a role name');
    },
  }),
  audience: defineOption({
    name: 'audience',
    kind: 'string',
    metavar: 'AUD',
    help: "audience of the JWT-SVID, in the role's bound_audiences (several: comma or newline separated; unused with method cert)",
    default: DEFAULT_AUDIENCE,
    fronts: ALL,
    parse: (raw) => {
      const audiences = listValue(raw);
      if (audiences.length === 0) {
        throw new InputError(`${raw.source}: '${raw.value}' names no audience — e.g. ${DEFAULT_AUDIENCE}`);
      }
      return audiences;
    },
  }),
  'auth-path': defineOption({
    name: 'auth-path',
    kind: 'string',
    metavar: 'PATH',
    aliases: ['authPath'],
    help: 'mount path of the auth method (auth/<path>)',
    // No literal default: it depends on method (config.ts), and a declared default would be given.
    defaultHelp: `${DEFAULT_AUTH_PATH}, or ${DEFAULT_CERT_AUTH_PATH} with method cert`,
    fronts: ALL,
    parse: (raw) =>
      raw.value === '' ? '' : mountPath({ ...raw, value: raw.value.replace(/^\/*auth\//, '') }, DEFAULT_AUTH_PATH),
  }),
  'socket-path': defineOption({
    name: 'socket-path',
    kind: 'string',
    metavar: 'ADDR',
    aliases: ['socketPath'],
    help: 'SPIFFE Workload API address: unix:///path, tcp://IP:PORT or an absolute socket path',
    default: DEFAULT_AGENT_SOCKET,
    defaultHelp: `$SPIFFE_ENDPOINT_SOCKET, then ${DEFAULT_AGENT_SOCKET}`,
    env: ['SPIFFE_ENDPOINT_SOCKET'],
    fronts: ALL,
    parse: (raw) => {
      const address = raw.value.startsWith('/') ? `unix://${raw.value}` : raw.value;
      try {
        parseWorkloadApiAddress(address);
      } catch (error: unknown) {
        throw new InputError(`${raw.source}: ${describeError(error)}`, { cause: error });
      }
      return address;
    },
  }),
  'spiffe-id': defineOption({
    name: 'spiffe-id',
    kind: 'string',
    metavar: 'ID',
    aliases: ['spiffeId'],
    help: 'the SPIFFE ID to use when the workload has several',
    defaultHelp: 'the first the agent returns',
    fronts: NOT_GITLAB,
    parse: (raw) => {
      if (raw.value === '') return '';
      try {
        parseSpiffeId(raw.value);
      } catch (error: unknown) {
        throw new InputError(`${raw.source}: ${describeError(error)}`, { cause: error });
      }
      return raw.value;
    },
  }),
  'max-token-ttl': defineOption({
    name: 'max-token-ttl',
    kind: 'string',
    metavar: 'DUR',
    help: 'fail, and revoke, if Vault issues a token that lives longer (60s, 5m)',
    defaultHelp: 'none',
    fronts: NOT_GITLAB,
    parse: (raw) => (raw.value === '' ? undefined : parseDuration(raw.source, raw.value) / 1000),
  }),
} as const;
