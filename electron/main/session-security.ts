import type { App, Session } from 'electron';
import { isSameOrigin } from './app-url.ts';

/** The policy for every page of the console. The renderer talks to the core only through the preload bridge. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

/**
 * Only while running against the Vite dev server: @vitejs/plugin-react injects its fast-refresh
 * preamble as an inline module script and Vite injects CSS as <style> tags. Never used for the
 * packaged app.
 */
export const DEV_SERVER_CONTENT_SECURITY_POLICY = CONTENT_SECURITY_POLICY
  .replace("script-src 'self'", "script-src 'self' 'unsafe-inline'")
  .replace("style-src 'self'", "style-src 'self' 'unsafe-inline'");

/** Copying a VM name or a run id is the only browser permission the console's own page needs. */
const ALLOWED_PERMISSIONS = new Set(['clipboard-sanitized-write']);

export interface SessionSecurityOptions {
  /** The app's own page; permissions are granted to nothing else. */
  appUrl: string;
  /** Set during `electron-forge start`: responses from it get the dev-server policy. */
  devServerUrl?: string | undefined;
}

type SecuredSession = Pick<Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler'> & {
  webRequest: Pick<Session['webRequest'], 'onHeadersReceived'>;
};

export function secureSession(session: SecuredSession, options: SessionSecurityOptions): void {
  session.webRequest.onHeadersReceived((details, callback) => {
    const headers: Record<string, string[]> = {};
    // Drop any policy a server sent (whatever its casing) so ours is the only one in force.
    for (const [name, value] of Object.entries(details.responseHeaders ?? {})) {
      if (name.toLowerCase() !== 'content-security-policy') headers[name] = value;
    }
    const dev = options.devServerUrl !== undefined && isSameOrigin(details.url, options.devServerUrl);
    headers['Content-Security-Policy'] = [dev ? DEV_SERVER_CONTENT_SECURITY_POLICY : CONTENT_SECURITY_POLICY];
    callback({ responseHeaders: headers });
  });
  const allowed = (permission: string, origin: string) => ALLOWED_PERMISSIONS.has(permission) && isSameOrigin(origin, options.appUrl);
  session.setPermissionRequestHandler((contents, permission, callback) => {
    callback(allowed(permission, contents.getURL()));
  });
  session.setPermissionCheckHandler((_contents, permission, requestingOrigin) => allowed(permission, requestingOrigin));
}

/** Applies to every webContents, including any the app did not mean to create. */
export function hardenAllWebContents(app: Pick<App, 'on'>): void {
  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  });
}
