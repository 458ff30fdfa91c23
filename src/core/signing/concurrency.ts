/** What to run over a list of items, and how many at a time. */
export interface ConcurrentWork<T, R> {
  /** How many items run at once (at least one). */
  readonly limit: number;
  readonly each: (item: T, index: number) => Promise<R>;
}

/**
 * `work.each` over `items`, at most `work.limit` at a time. After the first failure no new item is started;
 * the items already running are awaited. Each result is the settled outcome, or `undefined`
 * for an item that was never started, so a caller can tell exactly what was done.
 */
export async function settleConcurrent<T, R>(
  items: readonly T[],
  work: ConcurrentWork<T, R>,
): Promise<(PromiseSettledResult<R> | undefined)[]> {
  const { limit, each: fn } = work;
  const results = new Array<PromiseSettledResult<R> | undefined>(items.length).fill(undefined);
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < items.length) {
      const i = next++;
      try {
        results[i] = { status: 'fulfilled', value: await fn(items[i] as T, i) };
      } catch (reason: unknown) {
        results[i] = { status: 'rejected', reason };
        failed = true;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}

/** `work.each` over `items`, at most `work.limit` at a time, results in input order; throws the first failure. */
export async function mapConcurrent<T, R>(items: readonly T[], work: ConcurrentWork<T, R>): Promise<R[]> {
  const settled = await settleConcurrent(items, work);
  const failure = settled.find((r) => r?.status === 'rejected');
  if (failure?.status === 'rejected') throw failure.reason;
  return settled.map((r) => (r as PromiseFulfilledResult<R>).value);
}

/**
 * A gate that runs at most `limit` of the functions given to it at once, the others queued in
 * the order given. Each call returns its function's own outcome.
 */
export function concurrencyLimit(limit: number): <R>(fn: () => Promise<R>) => Promise<R> {
  let running = 0;
  const queue: (() => void)[] = [];
  const release = () => {
    running--;
    queue.shift()?.();
  };
  return <R>(fn: () => Promise<R>) =>
    new Promise<R>((resolve, reject) => {
      const start = () => {
        running++;
        fn().then(resolve, reject).finally(release);
      };
      if (running < limit) start();
      else queue.push(start);
    });
}
