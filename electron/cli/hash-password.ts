/**
 * `onewindow hash-password`: reads a password from standard input and prints its scrypt hash,
 * for `firstAdminPasswordHash` in the system config file (the file then holds no password).
 */
import { hashPassword } from '../auth/passwords';
import { checkPasswordStrength } from '../../shared/auth/roles';
import { parseCommand, UsageError, type CliIo } from './args';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function runHashPasswordCommand(argv: string[], io: CliIo, input: () => Promise<string> = readStdin): Promise<number> {
  const cmd = parseCommand(argv);
  if (cmd.positionals.length > 0) throw new UsageError('用法：echo 密码 | onewindow hash-password（不要把密码写在命令行参数里）');
  const password = (await input()).split(/\r?\n/)[0] ?? '';
  const problem = checkPasswordStrength(password);
  if (problem) throw new UsageError(`密码不符合要求：${problem}`);
  const hash = hashPassword(password);
  io.stdout(cmd.json ? JSON.stringify({ ok: true, hash }) : hash);
  return 0;
}
