/** Node's version needed to run the project's .ts scripts, as [major, minor, patch]. */
export const NEEDED: readonly number[];
/** The sentence to print when `version` is too old, or null when it will do. */
export function nodeVersionProblem(version: string): string | null;
