/** The structured logger core code writes to (pino's shape: fields first, then the message). */
export interface Log {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  child(bindings: object): Log;
}

/** A logger that drops everything, for tests that don't look at logs. */
export const silentLog: Log = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => silentLog,
};

/** Masks a phone number or email for logs: keeps enough to tell two apart, not enough to contact anyone. */
export function maskPii(value: string | null | undefined): string {
  if (!value) return '';
  const at = value.indexOf('@');
  if (at > 0) return `${value[0]}***${value.slice(at)}`;
  return value.length <= 4 ? '***' : `***${value.slice(-2)}`;
}
