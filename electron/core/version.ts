/** Shown in session.info and the server's hello; bumped with package.json at release. */
export const STANDBY_VERSION = '0.1.0';
