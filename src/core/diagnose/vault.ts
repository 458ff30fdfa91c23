/**
 * Vault failures classified into findings: a JWT login refused (role, audience, subject, keys,
 * auth mount; the fixes are in jwt-login-fix.ts), and the failures any request can meet (unreachable, TLS, sealed, denied, a dead
 * token). The vault module throws VaultErrors rendered from these findings.
 */
import { describeError, errorCode } from '../errors.ts';
import type { VaultErrorCode } from '../vault/errors.ts';
import { VaultHttpError } from '../vault/errors.ts';
import type { Finding } from './finding.ts';
import {
  answerLine,
  isForbiddenAnswer,
  isInvalidTokenAnswer,
  isSealedAnswer,
  isTlsAnswer,
  claimNamed,
  jwtLoginRefusal,
} from './vault-answers.ts';
import { jwtLoginFix } from './jwt-login-fix.ts';
import { isHttpToHttpsAnswer, tlsMessage, vaultTlsExplanation, vaultTlsProblem } from './vault-tls.ts';

export type VaultFinding = Finding<VaultErrorCode>;

export interface VaultRequestContext {
  /** What failed, for what and where: "failed to look up the Vault token at https://vault:8200". */
  readonly what: string;
  /** The code to use whatever the failure (e.g. VAULT_REVOKE_FAILED); default: by failure. */
  readonly code?: VaultErrorCode;
  /** Vault's address, for a TLS failure's explanation. */
  readonly address?: string;
}

/** Any request's failure: no answer, TLS, sealed, 403 (denied or a dead token), other statuses. */
export function diagnoseVaultRequest(error: unknown, context: VaultRequestContext): VaultFinding {
  const { what } = context;
  const finding = (fields: Omit<VaultFinding, 'area' | 'what'>): VaultFinding => ({
    area: 'vault',
    what,
    ...fields,
    code: context.code ?? fields.code,
  });
  if (!(error instanceof VaultHttpError)) {
    return finding({ code: 'VAULT_REQUEST_FAILED', reason: 'request-failed', why: describeError(error) });
  }
  const status = error.status;
  if (error.invalidAnswer !== undefined) {
    return finding({
      code: 'VAULT_ANSWER_INVALID',
      reason: error.invalidAnswer === 'too-large' ? 'answer-too-large' : 'answer-not-json',
      why: error.message,
      fix: 'check that vault-addr is Vault itself, not a proxy or login page in front of it, and that nothing between cuts answers short',
      ...(status !== undefined ? { status } : {}),
    });
  }
  if (isTlsAnswer(error) || isHttpToHttpsAnswer(error)) {
    const reason = vaultTlsProblem(error);
    const { why, fix } = vaultTlsExplanation(reason, context.address);
    const seen = error.socketCode ? `${error.socketCode}: ${tlsMessage(error.message)}` : answerLine(error);
    return finding({ code: 'VAULT_TLS_FAILED', reason, why: `TLS failed (${seen}): ${why}`, fix });
  }
  if (status === undefined) {
    return finding({
      code: 'VAULT_UNREACHABLE',
      reason: 'unreachable',
      why: `Vault did not answer (${error.socketCode}: ${error.message})`,
      fix: 'check vault-addr, that Vault runs and that this runner can reach it (proxy: HTTPS_PROXY/NO_PROXY)',
    });
  }
  const answer = answerLine(error);
  if (isSealedAnswer(error)) {
    return finding({
      code: 'VAULT_SEALED',
      reason: 'sealed',
      why: 'Vault is sealed',
      fix: 'unseal it (`vault operator unseal`) and retry',
      commands: ['vault operator unseal'],
      status,
    });
  }
  if (isInvalidTokenAnswer(error)) {
    return finding({
      code: 'VAULT_PERMISSION_DENIED',
      reason: 'token-invalid',
      answer,
      fix: 'the token expired or was revoked: log in again for a new one',
      status,
    });
  }
  if (isForbiddenAnswer(error)) {
    return finding({
      code: 'VAULT_PERMISSION_DENIED',
      reason: 'permission-denied',
      answer,
      fix: "the token's policies do not allow this",
      status,
    });
  }
  return finding({ code: 'VAULT_REQUEST_FAILED', reason: 'request-failed', answer, status });
}

export interface LoginContext {
  readonly address: string;
  readonly role: string;
  /** Mount path of the JWT auth method, without `auth/`. */
  readonly authPath: string;
  /** The namespace logged in to; '' or undefined for the root. */
  readonly namespace?: string;
  /** The JWT-SVID's audience and SPIFFE ID (for the fix; never the token). */
  readonly audience?: string;
  readonly spiffeId?: string;
  /** The JWT-SVID's signing algorithm (its header's alg), when known. */
  readonly algorithm?: string;
}

/** "failed to log in to Vault at A with role 'r' (auth path 'p', namespace 'n')". */
export function describeLogin(context: LoginContext): string {
  const ns = context.namespace ? `, namespace '${context.namespace}'` : '';
  return `failed to log in to Vault at ${context.address} with role '${context.role}' (auth path '${context.authPath}'${ns})`;
}

/** How one login method reads a refusal (4xx below 500, not sealed): its reason and fix. */
export type RefusalReader = (answer: VaultHttpError) => Pick<VaultFinding, 'reason' | 'fix' | 'commands'>;

/** A failed login of any method: a refusal its reader explains, or any request failure. */
export function diagnoseLoginFailure(
  error: unknown,
  options: {
    readonly context: LoginContext;
    readonly refusal: RefusalReader;
    /** A server error that is the method's refusal all the same (OpenBao words some as a 500). */
    readonly refusedAnyway?: (answer: VaultHttpError) => boolean;
  },
): VaultFinding {
  const { context, refusal } = options;
  const what = describeLogin(context);
  if (
    !(error instanceof VaultHttpError) ||
    error.status === undefined ||
    error.invalidAnswer !== undefined ||
    isSealedAnswer(error) ||
    (error.status >= 500 && !options.refusedAnyway?.(error))
  ) {
    return diagnoseVaultRequest(error, { what });
  }
  return {
    code: 'VAULT_LOGIN_DENIED',
    area: 'vault',
    what,
    answer: answerLine(error),
    ...refusal(error),
    status: error.status,
  };
}

/** A failed JWT login: a refusal by the auth method, or any request failure. */
export function diagnoseLogin(error: unknown, context: LoginContext): VaultFinding {
  return diagnoseLoginFailure(error, {
    context,
    refusal: (answer) => {
      const reason = jwtLoginRefusal(answer);
      return { reason, ...jwtLoginFix(reason, context, claimNamed(answer)) };
    },
  });
}

/** A login answer without a token: the address is probably not Vault. */
export function loginAnswerWithoutToken(context: LoginContext): VaultFinding {
  return {
    code: 'VAULT_REQUEST_FAILED',
    area: 'vault',
    reason: 'not-vault',
    what: describeLogin(context),
    why: 'the answer held no auth.client_token',
    fix: `is ${context.address} a Vault server?`,
  };
}

/** Vault issued a token that lives longer than the caller allows (it has been revoked). */
export function tokenTtlExceeded(fields: { role: string; ttlSeconds: number; maxTtlSeconds: number }): VaultFinding {
  return {
    code: 'VAULT_TOKEN_TTL_EXCEEDED',
    area: 'vault',
    reason: 'token-ttl-exceeded',
    what: `Vault issued a token for role '${fields.role}' that lives ${fields.ttlSeconds} s, longer than the allowed ${fields.maxTtlSeconds} s; it was revoked`,
    fix: "lower the role's token_ttl/token_max_ttl, or raise max-token-ttl",
  };
}

/** The message of a failure that is not one of ours, with its code: for composing `why`. */
export function describeWithCode(error: unknown): string {
  return `${describeError(error)}${errorCode(error)}`;
}

/** The server's words for a Vault answer, the socket failure when none came, else the message. */
export function answerOf(error: unknown): string {
  if (!(error instanceof VaultHttpError)) return describeWithCode(error);
  if (error.status === undefined) return `${error.socketCode ?? 'connection failed'}: ${error.message}`;
  return answerLine(error);
}
