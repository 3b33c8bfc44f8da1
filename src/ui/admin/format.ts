/** A latency in milliseconds, with as many digits as it deserves; a dash where there was no sample. */
export function ms(value: number | null | undefined): string {
  if (value === null || value === undefined) return '–';
  if (value >= 1000) return `${(value / 1000).toFixed(2)} s`;
  if (value >= 100) return `${value.toFixed(0)} ms`;
  if (value >= 10) return `${value.toFixed(1)} ms`;
  return `${value.toFixed(2)} ms`;
}

export function percent(part: number, whole: number): string {
  if (whole === 0) return '–';
  return `${((100 * part) / whole).toFixed(part === 0 || part === whole ? 0 : 1)} %`;
}

export function count(value: number): string {
  return value.toLocaleString('en');
}

export function clockTime(epochMs: number): string {
  return new Date(epochMs).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}
