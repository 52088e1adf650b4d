import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { registerAppScheme, resolveInside, serveRendererFiles } from './app-protocol.ts';
import { CONTENT_SECURITY_POLICY } from './session-security.ts';

const root = path.resolve('/opt/standby/renderer/main_window');

describe('app:// protocol', () => {
  it('registers app as a standard, secure scheme', () => {
    const registerSchemesAsPrivileged = vi.fn();
    registerAppScheme({ registerSchemesAsPrivileged });
    expect(registerSchemesAsPrivileged).toHaveBeenCalledWith([
      { scheme: 'app', privileges: expect.objectContaining({ standard: true, secure: true }) },
    ]);
  });

  it('maps URLs to files inside the renderer folder only', () => {
    expect(resolveInside(root, 'app://standby/')).toBe(path.join(root, 'index.html'));
    expect(resolveInside(root, 'app://standby/assets/index-abc.js')).toBe(path.join(root, 'assets', 'index-abc.js'));
    // The URL parser already folds plain and %2e-encoded dot segments at the root; an encoded
    // slash survives it and is the case the folder check exists for.
    for (const url of ['app://standby/../../../etc/passwd', 'app://standby/%2e%2e/%2e%2e/etc/passwd']) {
      const file = resolveInside(root, url);
      expect(file === undefined || file.startsWith(root + path.sep), url).toBe(true);
    }
    for (const url of ['app://standby/assets%2F..%2F..%2F..%2Fsecrets.json', 'app://standby/..%5C..%5Csecrets.json', 'app://other/index.html', 'app://standby/%E0%A4%A']) {
      expect(resolveInside(root, url), url).toBeUndefined();
    }
  });

  it('serves files with the CSP header and 404s anything outside', async () => {
    let handler: ((request: Request) => Promise<Response>) | undefined;
    const fetch = vi.fn(async () => new Response('<html></html>', { headers: { 'Content-Type': 'text/html' } }));
    serveRendererFiles({ handle: (_scheme: string, h: never) => { handler = h; } } as never, { fetch } as never, root);
    const ok = await handler!(new Request('app://standby/index.html'));
    expect(ok.headers.get('Content-Security-Policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(ok.headers.get('Content-Type')).toBe('text/html');
    expect(fetch).toHaveBeenCalledWith(expect.stringMatching(/^file:.*index\.html$/));
    const outside = await handler!(new Request('app://standby/assets%2F..%2F..%2F..%2Fsecrets.json'));
    expect(outside.status).toBe(404);
    expect(fetch).toHaveBeenCalledTimes(1);
  });
});
