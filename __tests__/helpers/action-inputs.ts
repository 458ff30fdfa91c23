// Inputs and commands shared by the tests, the demo and the benchmarks.
import type { StackEnv } from './stack-env.ts';

/** The action's inputs for a login against the stack, plus `extra`. */
export function actionInputs(stack: StackEnv, extra: Readonly<Record<string, string>> = {}): Record<string, string> {
  return {
    'vault-addr': stack.VAULT_ADDR,
    role: stack.STACK_ROLE,
    audience: stack.STACK_AUDIENCE,
    'socket-path': stack.SPIFFE_ENDPOINT_SOCKET,
    ...extra,
  };
}

/**
 * The stack's transit key through cosign's own hashivault:// KMS. cosign v3 signs offline with a
 * KMS key only when told not to upload and not to use a signing config.
 */
function offlineKms(stack: StackEnv): string[] {
  return [
    '--key',
    `hashivault://${stack.STACK_TRANSIT_KEY}`,
    '--tlog-upload=false',
    '--use-signing-config=false',
    '--new-bundle-format=false',
  ];
}

/** `cosign sign` of an image with the stack's transit key. */
export function cosignSignImageArgs(stack: StackEnv, image: string): string[] {
  return ['sign', '--yes', ...offlineKms(stack), image];
}

/** `cosign sign-blob` with the stack's transit key. */
export function cosignSignBlobArgs(stack: StackEnv, blob: string, signature: string): string[] {
  return ['sign-blob', '--yes', ...offlineKms(stack), '--output-signature', signature, blob];
}
