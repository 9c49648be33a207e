export { createLogger, readRecentLogs, LOG_FILE, type Logger, type LoggerOptions, type LogLevel, type LogRecord } from './logger';
export { redactText, redactValue, isPersonalKey, isSecretKey } from './redact';
