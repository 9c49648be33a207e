// `node scripts/knip.js`: dependency hygiene (unused files and dependencies fail; unused exports
// are listed as warnings). Config and reasons for every exception: knip.json.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

// knip's package exports do not include its bin: use the installed file directly.
const bin = fileURLToPath(new URL('../node_modules/knip/bin/knip.js', import.meta.url));
const r = spawnSync(process.execPath, [bin, '--no-progress', ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(r.status ?? 1);
