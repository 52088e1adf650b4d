import { describe, expect, it, vi } from 'vitest';
import { CONTENT_SECURITY_POLICY, DEV_SERVER_CONTENT_SECURITY_POLICY, hardenAllWebContents, secureSession } from './session-security.ts';

type HeadersListener = (details: { url: string; responseHeaders?: Record<string, string[]> }, callback: (response: { responseHeaders?: Record<string, string[]> }) => void) => void;

function fakeSession() {
  const captured: {
    headers?: HeadersListener;
    request?: (contents: { getURL(): string }, permission: string, callback: (granted: boolean) => void) => void;
    check?: (contents: unknown, permission: string, origin: string) => boolean;
  } = {};
  const session = {
    webRequest: { onHeadersReceived: (listener: HeadersListener) => { captured.headers = listener; } },
    setPermissionRequestHandler: (handler: typeof captured.request) => { captured.request = handler; },
    setPermissionCheckHandler: (handler: typeof captured.check) => { captured.check = handler; },
  };
  return { session, captured };
}

function headersFor(listener: HeadersListener, url: string, responseHeaders: Record<string, string[]> = {}) {
  let result: Record<string, string[]> | undefined;
  listener({ url, responseHeaders }, (response) => { result = response.responseHeaders; });
  return result!;
}

describe('session security', () => {
  it('is the policy the design asks for', () => {
    expect(CONTENT_SECURITY_POLICY).toBe(
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
      + "connect-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'none'",
    );
  });

  it('sets the CSP header on responses, replacing one the server sent', () => {
    const { session, captured } = fakeSession();
    secureSession(session as never, { appUrl: 'app://standby/index.html' });
    const headers = headersFor(captured.headers!, 'app://standby/index.html', {
      'content-security-policy': ['default-src *'], 'Content-Type': ['text/html'],
    });
    expect(headers['Content-Security-Policy']).toEqual([CONTENT_SECURITY_POLICY]);
    expect(headers['content-security-policy']).toBeUndefined();
    expect(headers['Content-Type']).toEqual(['text/html']);
  });

  it('relaxes script-src for the dev server only', () => {
    const { session, captured } = fakeSession();
    secureSession(session as never, { appUrl: 'http://localhost:5173', devServerUrl: 'http://localhost:5173' });
    expect(headersFor(captured.headers!, 'http://localhost:5173/')['Content-Security-Policy']).toEqual([DEV_SERVER_CONTENT_SECURITY_POLICY]);
    expect(headersFor(captured.headers!, 'http://localhost:9999/')['Content-Security-Policy']).toEqual([CONTENT_SECURITY_POLICY]);
    expect(DEV_SERVER_CONTENT_SECURITY_POLICY).toContain("script-src 'self' 'unsafe-inline'");
  });

  it('denies permission requests and checks', () => {
    const { session, captured } = fakeSession();
    secureSession(session as never, { appUrl: 'app://standby/index.html' });
    const app = { getURL: () => 'app://standby/index.html' };
    for (const permission of ['media', 'geolocation', 'notifications', 'openExternal', 'fullscreen', 'clipboard-read']) {
      const callback = vi.fn();
      captured.request!(app, permission, callback);
      expect(callback, permission).toHaveBeenCalledWith(false);
      expect(captured.check!(null, permission, 'app://standby'), permission).toBe(false);
    }
  });

  it('allows only clipboard writes, and only to the app page', () => {
    const { session, captured } = fakeSession();
    secureSession(session as never, { appUrl: 'app://standby/index.html' });
    const granted = vi.fn();
    captured.request!({ getURL: () => 'app://standby/index.html' }, 'clipboard-sanitized-write', granted);
    expect(granted).toHaveBeenCalledWith(true);
    const refused = vi.fn();
    captured.request!({ getURL: () => 'https://evil.example/' }, 'clipboard-sanitized-write', refused);
    expect(refused).toHaveBeenCalledWith(false);
  });

  it('hardens every webContents: no webviews, no new windows', () => {
    let created: ((event: unknown, contents: unknown) => void) | undefined;
    hardenAllWebContents({ on: (_name: string, listener: typeof created) => { created = listener; } } as never);
    const listeners = new Map<string, (event: { preventDefault(): void }) => void>();
    let openHandler: (() => unknown) | undefined;
    created!({}, { on: (name: string, l: never) => listeners.set(name, l), setWindowOpenHandler: (h: () => unknown) => { openHandler = h; } });
    const event = { preventDefault: vi.fn() };
    listeners.get('will-attach-webview')!(event);
    expect(event.preventDefault).toHaveBeenCalled();
    expect(openHandler!()).toEqual({ action: 'deny' });
  });
});
