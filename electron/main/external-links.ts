/**
 * The only places a link in the console may open in the system browser. shell.openExternal hands
 * a URL to the OS, so a page (or text from an estate: a VM note, a script's output) must not be
 * able to send the operator anywhere: the Hyper-V docs and the project's page, over https, only.
 */
export const EXTERNAL_HOSTS: readonly string[] = [
  'learn.microsoft.com', // Hyper-V and Failover Clustering documentation
  'github.com', // the project's page and its issues
];

export function isAllowedExternal(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  return parsed.protocol === 'https:' && parsed.username === '' && parsed.password === '' && parsed.port === ''
    && EXTERNAL_HOSTS.includes(parsed.hostname.toLowerCase());
}
