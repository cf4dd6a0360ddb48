// CSV for spreadsheets (RFC 4180, CRLF). A cell that starts with = + - @ (or a tab / carriage return) would run as a
// formula when the file is opened, and names come from customers: such cells get a leading apostrophe.

/** One cell, quoted when needed and defused against formula injection. */
export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** Rows to a CSV document (header included by the caller). */
export function toCsv(rows: ReadonlyArray<readonly string[]>): string {
  return rows.map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
}
