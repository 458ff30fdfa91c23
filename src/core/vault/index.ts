/** The Vault area's public surface: client, errors, token lifecycle. */
export { VaultClient, DEFAULT_VAULT_REQUEST_TIMEOUT_MS, type VaultClientOptions, type VaultRequest } from './client.ts';
export { VaultError, VaultHttpError, type VaultErrorCode } from './errors.ts';
export type { VaultTlsOptions } from './transport.ts';
export {
  loginWithJwt,
  lookupSelf,
  revokeSelf,
  assertTokenTtl,
  type VaultToken,
  type TokenLookup,
  type JwtLoginOptions,
} from './token.ts';
