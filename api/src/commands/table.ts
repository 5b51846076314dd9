/** Plain-text tables for the operator commands: left-aligned text, right-aligned numbers. */
export function formatTable(header: string[], rows: string[][], numeric: boolean[] = []): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (numeric[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return `${[line(header), ...rows.map(line)].join('\n')}\n`;
}

/** A USD amount (from the API's Float) as an exact decimal with 2 to 6 decimals: 10 → "10.00". */
export function formatUsd(usd: number): string {
  const micro = Math.round(usd * 1e6);
  const digits = String(Math.abs(micro)).padStart(7, '0');
  const decimals = digits.slice(-6).replace(/0+$/, '').padEnd(2, '0');
  return `${micro < 0 ? '-' : ''}${digits.slice(0, -6)}.${decimals}`;
}
