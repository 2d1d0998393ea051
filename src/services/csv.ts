// CSV lines by RFC 4180 (CRLF line ends; a field with a comma, quote, CR or LF is quoted, its
// quotes doubled), with spreadsheet-formula injection defused: a cell a spreadsheet would read as
// a formula (starting with =, +, -, @, tab or CR) gets a leading apostrophe, before quoting. Plus
// the export's duration cell format.
const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

export type CsvValue = string | number | boolean | null | undefined;

/** The text a spreadsheet shows as-is: `=SUM(A1)` → `'=SUM(A1)`. */
export function defuseFormula(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/** One field: null and undefined are empty; numbers and booleans are written as they are. */
export function csvField(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value !== 'string') return String(value);
  const text = defuseFormula(value);
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One record, ending in CRLF. */
export function csvLine(values: readonly CsvValue[]): string {
  return `${values.map(csvField).join(',')}\r\n`;
}

/** Hours with two decimals, rounded to the nearest 36 seconds: 5400 → "1.50". */
export function hoursText(seconds: number): string {
  const hundredths = Math.round(seconds / 36);
  return `${Math.floor(hundredths / 100)}.${String(hundredths % 100).padStart(2, '0')}`;
}
