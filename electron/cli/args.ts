/** Argument parsing shared by every `onewindow` command. */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { CONFIG_KEYS, flagName, type ConfigInputs } from '../config';

export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
}

export const processIo: CliIo = {
  stdout: (t) => process.stdout.write(t.endsWith('\n') ? t : t + '\n'),
  stderr: (t) => process.stderr.write(t.endsWith('\n') ? t : t + '\n'),
};

export class UsageError extends Error {}

type Options = NonNullable<ParseArgsConfig['options']>;

/** Flags every command takes: configuration keys plus --json. */
export function configFlagOptions(): Options {
  const options: Options = { json: { type: 'boolean' }, config: { type: 'string' } };
  for (const k of Object.keys(CONFIG_KEYS)) options[flagName(k).slice(2)] = { type: 'string' };
  return options;
}

export function configInputsFrom(values: Record<string, unknown>): ConfigInputs {
  const flags: Record<string, unknown> = {};
  for (const k of Object.keys(CONFIG_KEYS)) {
    const v = values[flagName(k).slice(2)];
    if (v !== undefined) flags[k] = v;
  }
  return { flags, ...(typeof values.config === 'string' ? { systemFile: values.config } : {}) };
}

export interface ParsedCommand {
  positionals: string[];
  values: Record<string, string | boolean | undefined>;
  json: boolean;
  config: ConfigInputs;
}

export function parseCommand(argv: string[], extra: Options = {}): ParsedCommand {
  try {
    const { values, positionals } = parseArgs({ args: argv, options: { ...configFlagOptions(), ...extra }, allowPositionals: true, strict: true });
    const v = values as Record<string, string | boolean | undefined>;
    return { positionals, values: v, json: v.json === true, config: configInputsFrom(v) };
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}
