/**
 * The command table and the dispatcher: argv to a command, its errors to one stderr line with a
 * [CODE], and the exit status.
 */
import { describeError, InputError } from '../core/errors.ts';
import type { Command, CommandContext } from './command.ts';
import { attestImageCommand } from './commands/attest-image.ts';
import { attestBlobCommand } from './commands/attest-blob.ts';
import { authCommand } from './commands/auth.ts';
import { doctorCommand } from './commands/doctor.ts';
import { execCommand } from './commands/exec.ts';
import { policyCommand } from './commands/policy.ts';
import { proxyCommand } from './commands/proxy.ts';
import { revokeCommand } from './commands/revoke.ts';
import { setupCommand } from './commands/setup.ts';
import { signBlobCommand } from './commands/sign-blob.ts';
import { signImageCommand } from './commands/sign-image.ts';
import { verifyAttestationCommand } from './commands/verify-attestation.ts';
import { verifyBlobCommand } from './commands/verify-blob.ts';
import { verifyImageCommand } from './commands/verify-image.ts';
import { codeOf } from './errors.ts';
import { renderCommandHelp, renderMainHelp } from './help.ts';
import { VERSION } from './version.ts';

export const COMMANDS: readonly Command[] = [
  authCommand,
  execCommand,
  proxyCommand,
  signBlobCommand,
  attestBlobCommand,
  signImageCommand,
  attestImageCommand,
  verifyBlobCommand,
  verifyAttestationCommand,
  verifyImageCommand,
  revokeCommand,
  doctorCommand,
  policyCommand,
  setupCommand,
];

/** Exit status of a failure: 2 for bad usage (a wrong or missing flag), 1 for anything else. */
export function exitCodeOf(error: unknown): number {
  return error instanceof InputError ? 2 : 1;
}

/**
 * Runs `spiffe-vault ARGV…` and returns its exit status. Errors become one stderr line with a
 * [CODE]; results (and help asked for) go to `ctx.out`.
 */
export async function runCli(argv: readonly string[], ctx: Omit<CommandContext, 'argv'>): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    process.stderr.write(renderMainHelp(COMMANDS, VERSION));
    return 2;
  }
  if (['--help', '-help', '-h', 'help'].includes(name)) {
    const topic = rest[0] === undefined ? undefined : COMMANDS.find((c) => c.name === rest[0]);
    ctx.out(topic ? renderCommandHelp(topic) : renderMainHelp(COMMANDS, VERSION));
    return 0;
  }
  if (['--version', '-version', '-v', 'version'].includes(name)) {
    ctx.out(`${VERSION}\n`);
    return 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  try {
    if (!command) throw new InputError(`unknown command '${name}' — see spiffe-vault --help`);
    return await command.run({ ...ctx, argv: rest });
  } catch (error: unknown) {
    ctx.logger.error(codeOf(error), describeError(error));
    return exitCodeOf(error);
  }
}
