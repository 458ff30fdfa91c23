/**
 * Users of the Go spiffe-vault CLI move over with set-ups made from its documentation: the
 * SPIFFE CSI driver's socket and roles bound to audience CI, where our defaults are SPIRE's
 * socket and audience vault. We do not guess (an SVID is only ever minted for the audience the
 * user chose); a session that fails for that reason says, in one line, which flag to add.
 */
import { existsSync } from 'node:fs';
import { findingOf } from '../diagnose/finding.ts';
import { InputError, isCodedError } from '../errors.ts';
import type { LoginOptions } from '../options/config.ts';
import { DEFAULT_AGENT_SOCKET } from '../spiffe/address.ts';

export const GO_CLI_SOCKET = 'unix:///spiffe-workload-api/spire-agent.sock';
export const GO_CLI_AUDIENCE = 'CI';

const AUDIENCE_HINT = `; if the role was set up for the Go spiffe-vault CLI (bound_audiences=${GO_CLI_AUDIENCE}), add -audience ${GO_CLI_AUDIENCE}`;

/**
 * Fails at once, naming the flag, when the socket was left at our default, nothing is there,
 * and the Go CLI's default socket exists (rather than retrying a missing socket until timeout).
 */
export function checkDefaultSocket(login: LoginOptions, exists: (path: string) => boolean = existsSync): void {
  if (!login.defaulted.socket || login.socketAddress !== DEFAULT_AGENT_SOCKET) return;
  const ours = DEFAULT_AGENT_SOCKET.slice('unix://'.length);
  const goCli = GO_CLI_SOCKET.slice('unix://'.length);
  if (exists(ours) || !exists(goCli)) return;
  throw new InputError(
    `socket-path: no SPIRE agent socket at ${ours} (the default), but there is one at ${goCli}, the Go spiffe-vault CLI's default — add -socketPath ${GO_CLI_SOCKET}` +
      (login.defaulted.audience ? AUDIENCE_HINT : ''),
  );
}

/** A login denied for its audience, with the audience left at our default, names the flag to add. */
export function withAudienceHint(error: unknown, login: LoginOptions): unknown {
  if (!login.defaulted.audience || !isCodedError(error)) return error;
  if (findingOf(error)?.reason !== 'audience-mismatch') return error;
  error.message += AUDIENCE_HINT;
  return error;
}
