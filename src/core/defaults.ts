/** Defaults shared by the adapters (action inputs, CLI flags): one place, one value. */
export const DEFAULT_AUDIENCE = 'vault';
export const DEFAULT_AUTH_PATH = 'jwt';
/** The auth path of `method: cert` when auth-path is not given. */
export const DEFAULT_CERT_AUTH_PATH = 'cert';
export const DEFAULT_TIMEOUT = '60s';
export const DEFAULT_TRANSIT_PATH = 'transit';
export const DEFAULT_TRANSIT_KEY = 'cosign';

/** The token TTL `setup --print` gives the role: a CI job logs in again when it needs to. */
export const DEFAULT_SETUP_TOKEN_TTL_SECONDS = 60;
