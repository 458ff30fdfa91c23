/**
 * What a CLI command is (name, help, flag groups, run) and the context it runs in: argv,
 * environment, logger, stdout.
 */
import { parseFlags, type ParsedFlags } from './args.ts';
import { mergeFlags, type FlagGroup } from './flags.ts';
import { renderCommandHelp } from './help.ts';
import type { RedactingLogger } from './logger.ts';

export interface CommandContext {
  /** The arguments after the command's name. */
  readonly argv: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  readonly logger: RedactingLogger;
  /** Where results go (stdout): nothing else is written there. */
  readonly out: (text: string) => void;
}

export interface Command {
  readonly name: string;
  /** One line, for the command list. */
  readonly summary: string;
  readonly usage: readonly string[];
  readonly description: string;
  readonly groups: readonly FlagGroup[];
  readonly examples: readonly string[];
  /** Lines about exit codes, when they differ from 0 ok, 1 failure, 2 bad usage. */
  readonly exitCodes?: readonly string[];
  run(ctx: CommandContext): Promise<number>;
}

/** Parses the command's flags (`ctx.argv`); `undefined` after printing its help for --help. */
export function parseCommandFlags(command: Command, ctx: CommandContext): ParsedFlags | undefined {
  const parsed = parseFlags(ctx.argv, { specs: mergeFlags(command.groups), command: command.name });
  if (parsed.values.help === true) {
    ctx.out(renderCommandHelp(command));
    return undefined;
  }
  ctx.logger.setQuiet(parsed.values.quiet === true);
  return parsed;
}

/** Prints a JSON result on stdout. */
export function printJson(ctx: CommandContext, value: unknown): void {
  ctx.out(`${JSON.stringify(value, null, 2)}\n`);
}
