#!/usr/bin/env node
// The `bfs` command. Registers tsx so the TypeScript sources run without a
// build step, then hands over to src/cli/main.ts.
/* global URL */
import { register } from 'tsx/esm/api';

register();
await import(new URL('../src/cli/main.ts', import.meta.url).href);
