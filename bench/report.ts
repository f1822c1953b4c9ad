import type { Machine } from './lib/machine.ts';

/** A figure's goal: at least or at most `value`, or none (shown for comparison). */
export type Target = { atLeast: number } | { atMost: number } | { below: number } | undefined;

/** One line of the results: a figure, its unit, and the target it is held to. */
export interface Row {
  benchmark: string;
  label: string;
  /** Its key in the JSON. */
  key: string;
  value: number;
  unit: string;
  digits: number;
  target?: Target;
}

/** `PASS`/`MISS` against the target; empty when the figure has none. */
const verdict = (row: Row): string => {
  const { target, value } = row;
  if (target === undefined) return '';
  if ('atLeast' in target) return value >= target.atLeast ? 'PASS' : 'MISS';
  if ('atMost' in target) return value <= target.atMost ? 'PASS' : 'MISS';
  return value < target.below ? 'PASS' : 'MISS';
};

const formatNumber = (value: number, digits: number): string =>
  value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

const formatValue = (row: Row): string =>
  `${formatNumber(row.value, row.digits)}${row.unit === 'x' ? 'x' : row.unit ? ` ${row.unit}` : ''}`;

const targetText = (row: Row): string => {
  const { target } = row;
  if (target === undefined) return '';
  const suffix = row.unit === 'x' ? 'x' : row.unit ? ` ${row.unit}` : '';
  const show = (n: number): string => (Number.isInteger(n) ? formatNumber(n, 0) : String(n));
  if ('atLeast' in target) return `>= ${show(target.atLeast)}${suffix}`;
  if ('atMost' in target) return `<= ${show(target.atMost)}${suffix}`;
  return `< ${show(target.below)}${suffix}`;
};

/** The machine, as one line under a table. */
export const machineLine = (machine: Machine): string =>
  `${machine.cpu_model}, ${machine.cpu_cores} cores, ${machine.memory_gb} GB, ` +
  `Node ${machine.node_version} (${machine.platform})`;

/** The columns of both tables. */
const HEADER = ['#', 'figure', 'value', 'target', ''];

/** One row's cells, under {@link HEADER}. */
const tableCells = (row: Row): string[] => [
  row.benchmark,
  row.label,
  formatValue(row),
  targetText(row),
  verdict(row),
];

/** The rows as a plain-text table for the terminal. */
export const textTable = (rows: readonly Row[]): string => {
  const cells = rows.map(tableCells);
  const widths = HEADER.map((title, column) =>
    Math.max(title.length, ...cells.map((line) => (line[column] ?? '').length)),
  );
  const line = (values: readonly string[]): string =>
    values
      .map((value, column) =>
        column === 2 ? value.padStart(widths[column] ?? 0) : value.padEnd(widths[column] ?? 0),
      )
      .join('  ')
      .trimEnd();
  return [line(HEADER), line(widths.map((width) => '-'.repeat(width))), ...cells.map(line)].join(
    '\n',
  );
};

/** The rows as a Markdown table, for the README, columns aligned as Biome formats them. */
export const markdownTable = (rows: readonly Row[]): string => {
  const cells = rows.map(tableCells);
  const widths = HEADER.map((title, column) =>
    Math.max(3, title.length, ...cells.map((line) => (line[column] ?? '').length)),
  );
  const line = (values: readonly string[]): string =>
    `| ${values
      .map((value, column) =>
        column === 2 ? value.padStart(widths[column] ?? 0) : value.padEnd(widths[column] ?? 0),
      )
      .join(' | ')} |`;
  const rule = `| ${widths
    .map((width, column) => (column === 2 ? `${'-'.repeat(width - 1)}:` : '-'.repeat(width)))
    .join(' | ')} |`;
  return [line(HEADER), rule, ...cells.map(line)].join('\n');
};
