import { CodedError, InputError, describeError, errorCode } from '../core/errors.ts';
import { loginWithIdentity } from '../core/login.ts';
import { parseDuration, parseHttpUrl, parseList } from '../core/parse.ts';
import { DEFAULT_AGENT_SOCKET, parseWorkloadApiAddress } from '../core/spiffe/address.ts';
import { WorkloadApiClient } from '../core/spiffe/client.ts';
import { VaultClient } from '../core/vault/client.ts';
import { revokeSelf } from '../core/vault/token.ts';
import { parseFlags, shellQuote, type FlagSpec } from './args.ts';
import { createStderrLogger, type RedactingLogger } from './logger.ts';

const AUTH_FLAGS: Readonly<Record<string, FlagSpec>> = {
  role: { type: 'string', description: 'Vault JWT role to log in with (required)' },
  audience: { type: 'string', description: 'JWT-SVID audience (default vault)' },
  authPath: { type: 'string', description: 'mount path of the JWT auth method (default jwt)' },
  socketPath: { type: 'string', description: 'Workload API address (default $SPIFFE_ENDPOINT_SOCKET)' },
  spiffeId: { type: 'string', description: 'SPIFFE ID to use when the workload has several' },
  timeout: { type: 'string', description: 'how long to retry the Workload API and Vault (default 60s)' },
  help: { type: 'boolean', description: 'show this help' },
};

const USAGE = `spiffe-vault: log in to Vault with the workload's SPIFFE identity

Usage:
  eval "$(spiffe-vault auth -role ROLE [-audience A] [-authPath P] [-socketPath S])"
  spiffe-vault revoke            revoke $VAULT_TOKEN

Environment: VAULT_ADDR (required), VAULT_NAMESPACE, SPIFFE_ENDPOINT_SOCKET.
Flags take one or two dashes. Exit codes: 0 ok, 1 failure, 2 bad usage.

auth flags:
${Object.entries(AUTH_FLAGS)
  .map(([name, spec]) => `  -${name.padEnd(11)} ${spec.description}`)
  .join('\n')}
`;

async function main(argv: readonly string[], env: NodeJS.ProcessEnv, logger: RedactingLogger): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(USAGE);
    return command === undefined ? 2 : 0;
  }
  if (command === 'auth') return auth(rest, env, logger);
  if (command === 'revoke') return revoke(env, logger);
  logger.error(`unknown command '${command}' — see spiffe-vault --help`);
  return 2;
}

async function auth(argv: readonly string[], env: NodeJS.ProcessEnv, logger: RedactingLogger): Promise<number> {
  const { values } = parseFlags(argv, AUTH_FLAGS);
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const vaultAddr = parseHttpUrl('VAULT_ADDR', requireValue('VAULT_ADDR', env.VAULT_ADDR ?? env.BAO_ADDR));
  const role = requireValue('-role', values.role as string | undefined);
  const namespace = env.VAULT_NAMESPACE ?? '';
  const socket = (values.socketPath as string | undefined) || env.SPIFFE_ENDPOINT_SOCKET || DEFAULT_AGENT_SOCKET;
  const address = socket.startsWith('/') ? `unix://${socket}` : socket;
  parseWorkloadApiAddress(address);
  const timeoutMs = parseDuration('-timeout', (values.timeout as string | undefined) || '60s');
  const svids = new WorkloadApiClient({ address, logger, timeoutMs });
  try {
    const result = await loginWithIdentity({
      svids,
      vault: new VaultClient({
        address: vaultAddr,
        namespace,
        proxyEnv: env,
        retryPolicy: { initialDelayMs: 250, maxDelayMs: 5_000, deadlineMs: timeoutMs },
        logger,
      }),
      audiences: parseList((values.audience as string | undefined) || 'vault'),
      spiffeId: (values.spiffeId as string | undefined) ?? '',
      role,
      authPath: (values.authPath as string | undefined) || 'jwt',
      onSecret: (secret) => logger.redact(secret),
      logger,
    });
    const lines = [
      `export VAULT_ADDR=${shellQuote(vaultAddr)}`,
      `export VAULT_TOKEN=${shellQuote(result.token.token)}`,
    ];
    if (namespace) lines.push(`export VAULT_NAMESPACE=${shellQuote(namespace)}`);
    process.stdout.write(`${lines.join('\n')}\n`);
    return 0;
  } finally {
    svids.close();
  }
}

async function revoke(env: NodeJS.ProcessEnv, logger: RedactingLogger): Promise<number> {
  const token = requireValue('VAULT_TOKEN', env.VAULT_TOKEN ?? env.BAO_TOKEN);
  logger.redact(token);
  const vault = new VaultClient({
    address: parseHttpUrl('VAULT_ADDR', requireValue('VAULT_ADDR', env.VAULT_ADDR ?? env.BAO_ADDR)),
    namespace: env.VAULT_NAMESPACE ?? '',
    proxyEnv: env,
    logger,
  });
  const outcome = await revokeSelf(vault, token);
  logger.info(
    outcome === 'revoked' ? 'revoked the Vault token' : 'the Vault token had already expired or been revoked',
  );
  return 0;
}

function requireValue(name: string, value: string | undefined): string {
  if (!value) throw new InputError(`${name} is required — see spiffe-vault --help`);
  return value;
}

const logger = createStderrLogger(process.env);
main(process.argv.slice(2), process.env, logger).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    logger.error(`${describeError(error)}${errorCode(error)}`);
    process.exitCode = error instanceof CodedError && error.code === 'INVALID_INPUT' ? 2 : 1;
  },
);
