/** Options for `eventually`. */
export interface EventuallyOptions {
  /** Give up after this long and rethrow the last failure. */
  timeoutMs?: number;
  /** Pause between attempts. */
  intervalMs?: number;
}

/**
 * Retries `assertion` until it stops throwing, then returns its value; after `timeoutMs` rethrows the
 * last failure unchanged so the test runner still shows its diff. For queue and polling flows, instead of sleeps.
 */
export async function eventually<T>(
  assertion: () => T | Promise<T>,
  { timeoutMs = 5000, intervalMs = 20 }: EventuallyOptions = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await assertion();
    } catch (err) {
      if (Date.now() >= deadline) throw err;
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
