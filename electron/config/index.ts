/**
 * Workstation configuration for IT. Layers, highest first:
 *   command-line flags > environment (ONEWINDOW_*) > system config file > settings page (admins) > defaults.
 * With no system config file and nothing else set, the workstation runs the self-contained
 * training configuration (a demo center), so a fresh install does something real at once.
 * An invalid value is refused with a Chinese message naming the key and where it came from.
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';

export type ConfigSource = 'flag' | 'env' | 'file' | 'settings' | 'default';

interface KeySpec<T> {
  label: string;
  description: string;
  schema: z.ZodType<T>;
  default: () => T;
  /** Admins may change it on the settings page (stored in the local database). */
  adminEditable: boolean;
  /** Never shown on the settings page, in doctor output or in diagnostics bundles. */
  secret?: boolean;
}

function key<T>(spec: KeySpec<T>): KeySpec<T> {
  return spec;
}

const intFromString = (min: number, max: number) =>
  z.preprocess(
    (v) => (typeof v === 'string' && v.trim() !== '' ? Number(v) : v),
    z.number({ error: '应为数字' }).int('应为整数').min(min, `不能小于 ${min}`).max(max, `不能大于 ${max}`),
  );

export const CONFIG_KEYS = {
  mode: key({
    label: '运行模式',
    description: 'training：培训模式（演示中心，内置后台）；production：正式环境',
    schema: z.enum(['training', 'production'], { error: '应为 training 或 production' }),
    default: () => 'training' as const,
    adminEditable: false,
  }),
  centerCode: key({
    label: '中心编码',
    description: '8 位数字：6 位行政区划代码 + 2 位中心序号（00 为区中心）',
    schema: z.string().regex(/^\d{8}$/, '应为 8 位数字，如 32011300'),
    default: () => '32011300',
    adminEditable: false,
  }),
  centerName: key({
    label: '中心名称',
    description: '显示在界面和回执上的中心全称',
    schema: z.string().trim().min(2, '至少 2 个字').max(60, '不能超过 60 个字'),
    default: () => '栖霞区政务服务中心（培训）',
    adminEditable: true,
  }),
  level: key({
    label: '中心层级',
    description: 'district：区级中心；street：街道便民服务中心（区街同权，可办理区级事项）',
    schema: z.enum(['district', 'street'], { error: '应为 district 或 street' }),
    default: () => 'district' as const,
    adminEditable: false,
  }),
  windowNo: key({
    label: '窗口号',
    description: '两位数字，本中心内唯一；办件编号包含窗口号',
    schema: z.string().regex(/^\d{2}$/, '应为两位数字，如 03'),
    default: () => '01',
    adminEditable: true,
  }),
  backofficeUrl: key({
    label: '区级后台地址',
    description: 'embedded 表示使用内置后台（培训用）；正式环境填写区级后台的 https 地址',
    schema: z.union([z.literal('embedded'), z.url({ protocol: /^https?$/, error: '应为 embedded 或 http(s) 地址' })]),
    default: () => 'embedded',
    adminEditable: false,
  }),
  backofficeCaFile: key({
    label: '区级后台根证书',
    description: 'PEM 格式的根证书文件路径：与区级后台的 https 连接只信任该证书签发的服务器证书；留空则使用系统证书',
    schema: z.string().max(1000, '路径过长'),
    default: () => '',
    adminEditable: false,
  }),
  dataDir: key({
    label: '数据目录',
    description: '本地数据库和材料文件的存放目录',
    schema: z.string().min(1, '不能为空'),
    default: defaultDataDir,
    adminEditable: false,
  }),
  idleLockMinutes: key({
    label: '空闲锁定（分钟）',
    description: '无操作超过该时间后锁定屏幕，需重新输入密码',
    schema: intFromString(1, 120),
    default: () => 10,
    adminEditable: true,
  }),
  lockoutThreshold: key({
    label: '密码错误锁定次数',
    description: '连续输错密码达到该次数后锁定账户',
    schema: intFromString(3, 10),
    default: () => 5,
    adminEditable: true,
  }),
  lockoutMinutes: key({
    label: '账户锁定时长（分钟）',
    description: '因密码错误被锁定的账户在该时间后自动解锁',
    schema: intFromString(1, 1440),
    default: () => 15,
    adminEditable: true,
  }),
  faceRetentionDays: key({
    label: '人脸图像保存期限（天）',
    description: '人证核验的人脸图像加密保存的天数，到期自动删除（保留比对结果和校验值）',
    schema: intFromString(1, 365),
    default: () => 30,
    adminEditable: true,
  }),
  closedCaseRetentionDays: key({
    label: '办结办件个人信息保存期限（天）',
    description: '办结（已领取、已送达、已撤回、不予受理、不予许可）超过该天数后删除办件中的个人信息，保留办件编号、状态、校验值和审计记录',
    schema: intFromString(180, 3650),
    default: () => 1095,
    adminEditable: false,
  }),
  updateUrl: key({
    label: '更新服务器地址',
    description: '区级内网上发布 OneWindow 更新的地址（generic 方式，含 latest.yml）；留空表示不自动更新',
    schema: z.union([z.literal(''), z.url({ protocol: /^https?$/, error: '应为 http(s) 地址或留空' })]),
    default: () => '',
    adminEditable: false,
  }),
  enrolmentCode: key({
    label: '设备注册码',
    description: '区级后台签发的一次性注册码；首次启动时用它向区级后台注册本机，注册成功后不再使用',
    schema: z.string().trim().max(64, '不能超过 64 个字符'),
    default: () => '',
    adminEditable: false,
    secret: true,
  }),
  firstAdminUsername: key({
    label: '首个管理员用户名',
    description: '本地尚无账户时按此创建首个管理员（配合 firstAdminPassword 或 firstAdminPasswordHash）',
    schema: z.union([z.literal(''), z.string().regex(/^[a-z][a-z0-9_.-]{2,31}$/, '应为 3–32 位小写字母、数字、点、下划线或连字符，以字母开头')]),
    default: () => '',
    adminEditable: false,
  }),
  firstAdminPassword: key({
    label: '首个管理员一次性密码',
    description: '首个管理员的一次性密码，首次登录须修改；建议改用 firstAdminPasswordHash',
    schema: z.union([z.literal(''), z.string().min(8, '至少 8 个字符').max(128, '不能超过 128 个字符')]),
    default: () => '',
    adminEditable: false,
    secret: true,
  }),
  firstAdminPasswordHash: key({
    label: '首个管理员密码哈希',
    description: 'scrypt 密码哈希（用 onewindow hash-password 生成），首个管理员以此密码登录，无须首次修改',
    schema: z.union([z.literal(''), z.string().regex(/^scrypt\$\d+\$\d+\$\d+\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/, '应为 scrypt$N$r$p$盐$哈希 格式')]),
    default: () => '',
    adminEditable: false,
    secret: true,
  }),
  port: key({
    label: '浏览器模式端口',
    description: '浏览器模式在 127.0.0.1 上监听的端口；0 表示自动选择',
    schema: intFromString(0, 65535),
    default: () => 4170,
    adminEditable: false,
  }),
} as const;

export type ConfigKey = keyof typeof CONFIG_KEYS;
export type WorkstationConfig = { [K in ConfigKey]: z.output<(typeof CONFIG_KEYS)[K]['schema']> };
export type ConfigSources = Record<ConfigKey, ConfigSource>;

export interface LoadedConfig {
  values: WorkstationConfig;
  sources: ConfigSources;
  /** The system config file that was read, if any. */
  systemFile: string | null;
}

export class ConfigError extends Error {
  readonly key: string;
  constructor(key: string, message: string) {
    super(message);
    this.name = 'ConfigError';
    this.key = key;
  }
}

/** The env variable for a key: centerCode → ONEWINDOW_CENTER_CODE. */
export function envName(k: string): string {
  return 'ONEWINDOW_' + k.replace(/[A-Z]/g, (c) => '_' + c).toUpperCase();
}

/** The flag for a key: centerCode → --center-code. */
export function flagName(k: string): string {
  return '--' + k.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase());
}

export function defaultDataDir(): string {
  if (process.platform === 'win32') {
    return join(process.env.LOCALAPPDATA ?? join(homedir(), 'AppData', 'Local'), 'OneWindow');
  }
  return join(process.env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'), 'onewindow');
}

export function defaultSystemConfigFile(): string {
  return process.platform === 'win32'
    ? join(process.env.ProgramData ?? 'C:\\ProgramData', 'OneWindow', 'config.json')
    : '/etc/onewindow/config.json';
}

const SOURCE_NAMES: Record<ConfigSource, string> = {
  flag: '命令行参数',
  env: '环境变量',
  file: '系统配置文件',
  settings: '设置页面',
  default: '默认值',
};

export interface ConfigInputs {
  /** Parsed flags by key name (camelCase), e.g. { windowNo: '03' }. */
  flags?: Partial<Record<string, unknown>>;
  env?: NodeJS.ProcessEnv;
  /** Path of the system config file; default: ONEWINDOW_CONFIG or the platform's location. */
  systemFile?: string;
  /** Values saved on the settings page. */
  settings?: Partial<Record<string, unknown>>;
  /** Platform defaults that replace the built-in ones (the Electron shell's userData folder). */
  defaults?: Partial<Record<string, unknown>>;
}

export function loadConfig(inputs: ConfigInputs = {}): LoadedConfig {
  const env = inputs.env ?? process.env;
  const flags = inputs.flags ?? {};
  const systemFile = inputs.systemFile ?? env.ONEWINDOW_CONFIG ?? defaultSystemConfigFile();
  let fileValues: Record<string, unknown> = {};
  let fileRead: string | null = null;
  if (existsSync(systemFile)) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(systemFile, 'utf8'));
    } catch (err) {
      throw new ConfigError('(file)', `系统配置文件 ${systemFile} 不是有效的 JSON：${(err as Error).message}`);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new ConfigError('(file)', `系统配置文件 ${systemFile} 应为一个 JSON 对象`);
    }
    fileValues = parsed as Record<string, unknown>;
    fileRead = systemFile;
    for (const k of Object.keys(fileValues)) {
      if (!(k in CONFIG_KEYS) && !k.startsWith('$')) {
        throw new ConfigError(k, `系统配置文件 ${systemFile} 含有未知配置项“${k}”（可用：${Object.keys(CONFIG_KEYS).join(', ')}）`);
      }
    }
  }
  const values = {} as Record<string, unknown>;
  const sources = {} as Record<string, ConfigSource>;
  for (const [k, spec] of Object.entries(CONFIG_KEYS) as [ConfigKey, KeySpec<unknown>][]) {
    const layers: [ConfigSource, unknown][] = [
      ['flag', flags[k]],
      ['env', env[envName(k)]],
      ['file', fileValues[k]],
      ['settings', spec.adminEditable ? inputs.settings?.[k] : undefined],
    ];
    const hit = layers.find(([, v]) => v !== undefined && v !== '');
    const [source, raw] = hit ?? ['default', inputs.defaults?.[k] ?? spec.default()];
    const result = spec.schema.safeParse(raw);
    if (!result.success) {
      const where = source === 'env' ? `${SOURCE_NAMES.env} ${envName(k)}` : source === 'flag' ? `${SOURCE_NAMES.flag} ${flagName(k)}` : source === 'file' ? `${SOURCE_NAMES.file} ${systemFile}` : SOURCE_NAMES[source];
      throw new ConfigError(k, `配置项 ${k}（${spec.label}）无效：${result.error.issues[0]?.message ?? '格式不正确'}（来源：${where}）`);
    }
    values[k] = result.data;
    sources[k] = source;
  }
  return { values: values as WorkstationConfig, sources: sources as ConfigSources, systemFile: fileRead };
}

/** Validates one admin-editable value for the settings page; returns the parsed value. */
export function parseSetting(k: string, value: unknown): unknown {
  const spec = (CONFIG_KEYS as Record<string, KeySpec<unknown>>)[k];
  if (!spec) throw new ConfigError(k, `未知配置项“${k}”`);
  if (!spec.adminEditable) throw new ConfigError(k, `配置项 ${k}（${spec.label}）只能由系统配置文件设定`);
  const result = spec.schema.safeParse(value);
  if (!result.success) {
    throw new ConfigError(k, `配置项 ${k}（${spec.label}）无效：${result.error.issues[0]?.message ?? '格式不正确'}`);
  }
  return result.data;
}
