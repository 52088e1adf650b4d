#!/usr/bin/env node
// `npx standby drill|verify|serve …`: the package's command. Builds the server when its sources are
// newer than the build (as `npm run serve` does), then hands it the arguments.
import { pathToFileURL } from 'node:url';
import { build, SERVER_BUILD, serverStale } from './serve.mjs';

if (serverStale()) build('server', 'electron/server/vite.config.ts');
const { main } = await import(pathToFileURL(SERVER_BUILD).href);
await main(process.argv.slice(2));
