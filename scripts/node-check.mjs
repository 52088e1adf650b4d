// Runs before any TypeScript file is loaded (package.json: `node scripts/node-check.mjs && ...`):
// on an older Node the scripts would die with "Unknown file extension .ts", which tells a newcomer
// nothing. Plain JavaScript that every Node since 12 can parse.
import { fileURLToPath } from 'node:url';

/** Node runs .ts files (type stripping, on by default) from 22.18 on. */
export const NEEDED = [22, 18, 0];

/** The sentence to print when `version` ("22.12.0") is too old, or null when it will do. */
export function nodeVersionProblem(version) {
  const have = version.replace(/^v/, '').split('.').map((n) => Number.parseInt(n, 10) || 0);
  for (let i = 0; i < NEEDED.length; i++) {
    if ((have[i] ?? 0) > NEEDED[i]) return null;
    if ((have[i] ?? 0) < NEEDED[i]) {
      return `Standby needs Node.js ${NEEDED.slice(0, 2).join('.')} or newer (this is Node ${version.replace(/^v/, '')}): install the current Node 22 or 24 LTS from https://nodejs.org/ or with your version manager (for example "nvm install 22"), then run the command again.`;
    }
  }
  return null;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const problem = nodeVersionProblem(process.versions.node);
  if (problem) {
    process.stderr.write(`${problem}\n`);
    process.exit(1);
  }
}
