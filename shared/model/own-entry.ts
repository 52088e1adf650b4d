/**
 * The value a table holds under a key that came from outside (a client, a plan file), or undefined.
 * Plain objects inherit `constructor`, `toString`, `__proto__`...: `table[key]` would hand those
 * back as if they were entries. Only own properties count.
 */
export function ownEntry<V>(table: Readonly<Record<string, V>> | undefined, key: string): V | undefined {
  return table !== undefined && Object.hasOwn(table, key) ? table[key] : undefined;
}
