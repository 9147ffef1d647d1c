/**
 * The memo behind the `shared(key, compute)` of interval and test
 * contexts: each key computed once, a computation that threw throwing the
 * same error again.
 *
 * @module
 */

type Memo = { readonly value: unknown } | { readonly error: unknown };

/** A fresh `shared(key, compute)` function with its own memo. */
export function _sharedMemo(): <T>(key: string, compute: () => T) => T {
  const memo = new Map<string, Memo>();
  return <T>(key: string, compute: () => T): T => {
    let entry = memo.get(key);
    if (entry === undefined) {
      try {
        entry = { value: compute() };
      } catch (error) {
        entry = { error };
      }
      memo.set(key, entry);
    }
    if ("error" in entry) throw entry.error;
    return entry.value as T;
  };
}
