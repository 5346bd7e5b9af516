/**
 * Generated Markdown laid out as prettier lays it out (tables aligned, one blank line between blocks, one newline at
 * the end), so that only its code blocks need formatting: prettier's Markdown pass is the slowest part of formatting
 * a large API's docs. Undefined when that cannot be exact: a table cell holding anything but ASCII, whose width
 * prettier counts in display columns (East Asian wide characters, emoji, combining marks).
 */
export function prettierLayout(markdown: string): string | undefined {
  const lines = markdown.trimEnd().split("\n");
  const out: string[] = [];
  let fence: string | undefined;
  for (let i = 0; i < lines.length; ) {
    const line = lines[i]!;
    const marker = /^ *(`{3,}|~{3,})/.exec(line)?.[1];
    if (fence !== undefined || marker !== undefined) {
      // Code blocks as they are: their own formatting is the code's.
      if (fence === undefined) fence = marker;
      else if (marker !== undefined && marker[0] === fence[0] && marker.length >= fence.length && line.trim() === marker) fence = undefined;
      out.push(line);
      i++;
    } else if (line.startsWith("|")) {
      const rows: string[][] = [];
      for (; i < lines.length && lines[i]!.startsWith("|"); i++) rows.push(cellsOf(lines[i]!));
      const table = alignedTable(rows);
      if (table === undefined) return undefined;
      out.push(...table);
    } else {
      // Blank lines between blocks: one.
      if (!(line === "" && out.at(-1) === "")) out.push(line);
      i++;
    }
  }
  return `${out.join("\n")}\n`;
}

/** The cells of a table row: split at each pipe that is not escaped, trimmed. */
function cellsOf(row: string): string[] {
  const cells: string[] = [];
  let cell = "";
  for (let i = 1; i < row.length; i++) {
    const char = row[i]!;
    if (char === "\\" && i + 1 < row.length) cell += char + row[++i];
    else if (char === "|") {
      cells.push(cell.trim());
      cell = "";
    } else cell += char;
  }
  return cells;
}

/** A table's rows with each column padded to its widest cell (3 at least), the delimiter row of dashes as wide. */
function alignedTable(rows: string[][]): string[] | undefined {
  const [header, delimiter, ...body] = rows;
  if (header === undefined || delimiter?.length !== header.length || !delimiter.every((cell) => /^-{3,}$/.test(cell))) return undefined;
  const texts = [header, ...body];
  if (texts.some((row) => row.length !== header.length || row.some((cell) => /[^\x20-\x7e]/.test(cell)))) return undefined;
  const widths = header.map((_, column) => Math.max(3, ...texts.map((row) => row[column]!.length)));
  const line = (cells: string[]) => `| ${cells.map((cell, column) => cell.padEnd(widths[column]!)).join(" | ")} |`;
  return [line(header), line(widths.map((width) => "-".repeat(width))), ...body.map(line)];
}
