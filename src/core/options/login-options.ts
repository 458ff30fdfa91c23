/** Option rows for the login: which identity, which Vault role, which auth method. */
import { DEFAULT_AUDIENCE, DEFAULT_AUTH_PATH } from '../defaults.ts';
import { describeError, InputError } from '../errors.ts';
import { parseDuration } from '../parse.ts';
import { DEFAULT_AGENT_SOCKET, parseWorkloadApiAddress } from '../spiffe/address.ts';
import { parseSpiffeId } from '../spiffe/spiffe-id.ts';
import { defineOption, type Front } from './spec.ts';
import { listValue, mountPath, plainName } from './values.ts';

const ALL: readonly Front[] = ['action', 'cli', 'gitlab'];
const NOT_GITLAB: readonly Front[] = ['action', 'cli'];

export const LOGIN_OPTIONS = {
  role: defineOption({
    name: 'role',
    kind: 'string',
    metavar: 'ROLE',
    help: 'the JWT auth role to log in with (bound to the audience and the SPIFFE ID)',
    fronts: ALL,
    required: true,
    parse: (raw) => {
      if (raw.value === '') {
        throw new InputError(`${raw.source}: required — name the Vault JWT role to log in with, e.g. ${raw.source} ci`);
      }
      return plainName(raw, 'a role name');
    },
  }),
  audience: defineOption({
    name: 'audience',
    kind: 'string',
    metavar: 'AUD',
    help: "audience of the JWT-SVID, in the role's bound_audiences (several: comma or newline separated)",
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
    help: 'mount path of the JWT auth method (auth/<path>)',
    default: DEFAULT_AUTH_PATH,
    fronts: ALL,
    parse: (raw) => mountPath({ ...raw, value: raw.value.replace(/^\/*auth\//, '') }, DEFAULT_AUTH_PATH),
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
