/**
 * The least-privilege Vault policy as an HCL document: a short header, then each grant on one
 * line under a comment that says why it is there. Every line that grants something is needed:
 * the integration tests remove each one and watch a signing run fail.
 */
import { policyGrants, policyLines, type PolicyGrantOptions } from './grants.ts';

export interface PolicyDocumentOptions extends PolicyGrantOptions {
  /** The policy's name, for the `policy write` line of the header ('' to leave it out). */
  readonly name?: string;
  /** The Vault CLI of the header's `policy write` line (`vault` or `bao`). */
  readonly cli?: string;
}

/** The policy, ending with a newline. */
export function policyDocument(options: PolicyDocumentOptions): string {
  const { transitPath, key: transitKey, verify } = options;
  const grants = policyGrants(options);
  const lines = policyLines(grants);
  const header = [
    `# Least privilege for signing with the Vault transit key "${transitKey}" (mount "${transitPath}"):`,
    `# spiffe-vault sign-blob, sign-image and attest-*, cosign sign and sign-blob --key hashivault://${transitKey}` +
      (verify ? ',' : '.'),
    ...(verify ? [`# and cosign verify and verify-blob --key hashivault://${transitKey}.`] : []),
    "# Tokens keep Vault's `default` policy too: it lets them look themselves up and revoke themselves.",
    ...(options.name
      ? [`# Write it with: ${options.cli ?? 'vault'} policy write ${options.name} ${options.name}.hcl`]
      : []),
  ];
  const body = grants.flatMap((grant, index) => ['', `# ${capitalize(grant.purpose)}.`, lines[index] ?? '']);
  return [...header, ...body, ''].join('\n');
}

/** The lines that grant something (no comments, no blank lines), in the document's order. */
export function grantingLines(document: string): string[] {
  return document.split('\n').filter((line) => line.trim() !== '' && !line.trimStart().startsWith('#'));
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
