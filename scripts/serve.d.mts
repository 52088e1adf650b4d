/** Builds the renderer and the server when their sources are newer than the builds (see serve.mjs). */
export function buildIfStale(): void;
export function build(what: string, config: string): void;
export const RENDERER_BUILD: string;
export const SERVER_BUILD: string;
export function serverStale(): boolean;
