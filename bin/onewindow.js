#!/usr/bin/env node
// The `onewindow` command for IT. Runs the TypeScript sources through tsx, so the same code
// serves the CLI, browser mode and the tests without a separate build.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../electron/cli/index.ts');
process.exitCode = await main(process.argv.slice(2));
