import type { FlagSpec, FlagSpecs } from './args.ts';

/**
 * Every flag of every command, in groups, defined once. The names are the GitHub action's input
 * names; the Go spiffe-vault CLI's spellings (`-authPath`, `-socketPath`) are aliases.
 */
export interface FlagGroup {
  readonly title: string;
  readonly flags: FlagSpecs;
}

export const LOGIN_FLAGS: FlagGroup = {
  title: 'Login (SPIFFE identity → Vault token)',
  flags: {
    role: { type: 'string', value: 'ROLE', description: 'Vault JWT role to log in with' },
    audience: {
      type: 'string',
      value: 'AUD',
      description: "JWT-SVID audience, in the role's bound_audiences; several: a,b (default vault)",
    },
    'auth-path': {
      type: 'string',
      value: 'PATH',
      aliases: ['authPath'],
      description: 'mount path of the JWT auth method (default jwt)',
    },
    'socket-path': {
      type: 'string',
      value: 'ADDR',
      aliases: ['socketPath'],
      description:
        'Workload API: unix:///path, tcp://IP:PORT or /path (default $SPIFFE_ENDPOINT_SOCKET, then unix:///tmp/spire-agent/public/api.sock)',
    },
    'spiffe-id': {
      type: 'string',
      value: 'ID',
      aliases: ['spiffeId'],
      description: 'SPIFFE ID to use when the workload has several (default the first)',
    },
    'max-token-ttl': {
      type: 'string',
      value: 'DUR',
      description: 'fail, and revoke, if Vault issues a token living longer (e.g. 60s, 5m)',
    },
  },
};

export const VAULT_FLAGS: FlagGroup = {
  title: 'Vault connection',
  flags: {
    'vault-addr': {
      type: 'string',
      value: 'URL',
      description: 'Vault/OpenBao address (default $VAULT_ADDR, then $BAO_ADDR)',
    },
    namespace: {
      type: 'string',
      value: 'NS',
      description: 'Vault Enterprise/OpenBao namespace (default $VAULT_NAMESPACE)',
    },
    'ca-cert': {
      type: 'string',
      value: 'PEM',
      description: "CA that signed Vault's certificate, file or PEM text (default $VAULT_CACERT)",
    },
    'client-cert': {
      type: 'string',
      value: 'PEM',
      description: 'client certificate for mutual TLS (default $VAULT_CLIENT_CERT)',
    },
    'client-key': {
      type: 'string',
      value: 'PEM',
      description: 'its private key (default $VAULT_CLIENT_KEY)',
    },
    'tls-skip-verify': {
      type: 'boolean',
      description: "do not check Vault's certificate: tests only (default $VAULT_SKIP_VERIFY)",
    },
    timeout: {
      type: 'string',
      value: 'DUR',
      description: 'how long to keep retrying the Workload API, Vault and each registry request (default 60s)',
    },
  },
};

export const TRANSIT_PATH_FLAG: FlagGroup = {
  title: 'Transit',
  flags: {
    'transit-path': {
      type: 'string',
      value: 'PATH',
      description: 'mount path of the transit engine (default $TRANSIT_SECRET_ENGINE_PATH, then transit)',
    },
  },
};

export const SIGNING_FLAGS: FlagGroup = {
  title: 'Signing',
  flags: {
    ...TRANSIT_PATH_FLAG.flags,
    'transit-key': {
      type: 'string',
      value: 'KEY',
      description: 'transit key name, an ecdsa-p256 key (default cosign)',
    },
    'key-version': {
      type: 'string',
      value: 'N',
      description: 'key version to sign with (default latest, pinned for the whole run)',
    },
    'signature-dir': {
      type: 'string',
      value: 'DIR',
      description: 'write signatures and bundles here (default next to each file)',
    },
    bundle: {
      type: 'boolean',
      description: 'also write FILE.sigstore.json; --bundle=false for .sig only (default true)',
    },
    'if-no-files-found': {
      type: 'string',
      value: 'WHAT',
      description: 'a pattern that matches nothing: error, warn or ignore (default error)',
    },
  },
};

export const VERIFY_FLAGS: FlagGroup = {
  title: 'Verification',
  flags: {
    key: { type: 'string', value: 'PUB', description: 'public key PEM file (the KEY.pub that sign-blob writes)' },
    signature: { type: 'string', value: 'SIG', description: 'signature file (FILE.sig, base64 DER)' },
    bundle: { type: 'string', value: 'JSON', description: 'Sigstore bundle (FILE.sigstore.json)' },
  },
};

const QUIET: FlagSpec = { type: 'boolean', aliases: ['q'], description: 'print only warnings and errors on stderr' };
const HELP: FlagSpec = { type: 'boolean', aliases: ['h'], description: 'show this help' };

export const IMAGE_SIGNING_FLAGS: FlagGroup = {
  title: 'Image signing',
  flags: {
    ...TRANSIT_PATH_FLAG.flags,
    'transit-key': SIGNING_FLAGS.flags['transit-key'] as FlagSpec,
    'key-version': SIGNING_FLAGS.flags['key-version'] as FlagSpec,
    format: {
      type: 'string',
      value: 'FORMAT',
      description:
        'legacy (the .sig tag: cosign v2 and v3 verify it), bundle (a Sigstore bundle referrer; cosign v3), or both (default legacy)',
    },
    annotations: {
      type: 'string',
      value: 'K=V,…',
      description: 'key=value pairs signed into the signature (cosign verify -a key=value checks them)',
    },
    recursive: { type: 'boolean', description: 'for a multi-platform index, also sign each platform manifest' },
    'registry-insecure': {
      type: 'string',
      value: 'HOST,…',
      description: 'registries to speak plain http to (loopback registries always are)',
    },
  },
};

export const IMAGE_VERIFY_FLAGS: FlagGroup = {
  title: 'Image verification',
  flags: {
    key: { type: 'string', value: 'PUB', description: 'public key PEM file (the transit key version that signed)' },
    annotations: {
      type: 'string',
      value: 'K=V,…',
      description: 'key=value pairs every accepted signature must have signed (as cosign verify -a)',
    },
    'registry-insecure': IMAGE_SIGNING_FLAGS.flags['registry-insecure'] as FlagSpec,
  },
};

export const OUTPUT_FLAGS: FlagGroup = {
  title: 'Output',
  flags: {
    json: { type: 'boolean', description: 'print the result as JSON on stdout' },
    quiet: QUIET,
    help: HELP,
  },
};

/** For commands whose stdout is not theirs (exec) or that have no result to print. */
export const QUIET_HELP_FLAGS: FlagGroup = { title: 'Output', flags: { quiet: QUIET, help: HELP } };

/** The flags of several groups, for parsing. */
export function mergeFlags(groups: readonly FlagGroup[]): FlagSpecs {
  return Object.assign({}, ...groups.map((group) => group.flags)) as FlagSpecs;
}
