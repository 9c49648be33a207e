/** Stand-alone entry until the `onewindow` CLI wires it in: npx tsx electron/identity/face/cli-main.ts compare a.jpg b.jpg --json */
import { runFaceCompareCommand } from './cli';

const io = { stdout: (s: string) => void process.stdout.write(s), stderr: (s: string) => void process.stderr.write(s) };
process.exitCode = await runFaceCompareCommand(process.argv.slice(2), io);
