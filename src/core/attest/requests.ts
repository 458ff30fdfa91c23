/** The run's attestation requests, made into statements about a set of subjects. */
import type { AttestationRequest } from '../options/config.ts';
import { buildProvenance } from './provenance.ts';
import type { Statement, Subject } from './statement.ts';

export interface StatementContext {
  /** The SPIFFE ID of the token that signs: the provenance's builder. */
  readonly builderId: string;
  /** The CI job's variables (only the ones provenance.ts names are read). */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly startedOn?: Date;
}

/** One statement per request, each about all of `subjects`. */
export function statementsFor(
  requests: readonly AttestationRequest[],
  subjects: readonly Subject[],
  context: StatementContext,
): Statement[] {
  return requests.map((request) => ({
    subjects,
    predicateType: request.predicateType,
    predicate:
      request.predicate.kind === 'provenance'
        ? buildProvenance({
            builderId: context.builderId,
            env: context.env,
            ...(context.startedOn ? { startedOn: context.startedOn } : {}),
          })
        : request.predicate.value,
  }));
}
