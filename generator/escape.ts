/**
 * The only way manifest text reaches generated files: one function per context it is printed in. Each makes any
 * string harmless there, so a description, path, URL, example or default can never end its comment, string or code
 * block and become code or markup.
 */

/** Every JavaScript line terminator (CommonMark knows only \r and \n, but a TypeScript file knows all four). */
const LINE_TERMINATORS = /\r\n|[\r\n\u2028\u2029]/g;

/**
 * Text inside a JSDoc block: no "*" + "/" closes it, and every line break is a plain "\n" (which gets its " * "
 * prefix). "/" + "*" is escaped too: ts-morph's writer takes it for a nested comment and stops prefixing lines. An "@"
 * opening a line is escaped, so that text cannot add a tag such as @internal or @deprecated.
 */
export function jsDocText(text: string): string {
  return text
    .replace(LINE_TERMINATORS, "\n")
    .replace(/\*\//g, "*\\/")
    .replace(/\/\*/g, "/\\*")
    .replace(/^(\s*)@/gm, "$1\\@");
}

/** Text on a `//` comment line: no line terminator at all. */
export function lineCommentText(text: string): string {
  return text.replace(LINE_TERMINATORS, " ");
}

/** Text inside an HTML comment (the header of generated Markdown): one line, and no "--" that could end it. */
export function htmlCommentText(text: string): string {
  return lineCommentText(text).replace(/-(?=-)/g, "- ");
}

/**
 * A string as a TypeScript string literal: JSON's escapes, plus U+2028 and U+2029, which some tools still split lines
 * at. A backslash is written \u005c: ts-morph's writer reads the quote after an escaped backslash as escaped, believes
 * the string goes on, and would then take a later slash and star for a comment that it closes itself.
 */
export function stringLiteral(text: string): string {
  return JSON.stringify(text).replace(/\\\\/g, "\\u005c").replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
}

/**
 * A JSON value (an option default, an example argument) as a TypeScript expression, in JSON's compact layout. A
 * `__proto__` key is written computed, so that it stays an own property instead of setting the prototype.
 */
export function valueLiteral(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(valueLiteral).join(",")}]`;
  if (typeof value === "object" && value !== null) {
    const key = (name: string) => (name === "__proto__" ? `[${stringLiteral(name)}]` : stringLiteral(name));
    return `{${Object.entries(value).map(([name, item]) => `${key(name)}:${valueLiteral(item)}`).join(",")}}`;
  }
  if (typeof value === "string") return stringLiteral(value);
  // Numbers, booleans and null: what the YAML loader produces besides strings, lists and maps.
  return JSON.stringify(value) ?? "null";
}

/** What a backslash escapes in Markdown (CommonMark: ASCII punctuation). */
const ESCAPABLE = /[!-/:-@[-`{-~]/;

/** The index of the next run of exactly `length` backticks at or after `from`, or -1. */
function closingRun(text: string, from: number, length: number): number {
  const runs = /`+/g;
  runs.lastIndex = from;
  for (let run = runs.exec(text); run; run = runs.exec(text)) if (run[0].length === length) return run.index;
  return -1;
}

/**
 * Markdown prose of the manifest on one line, made inert, read as CommonMark reads it (a backslash escapes the next
 * punctuation character, "\\" included): `<` outside code as an entity, so no HTML tag, comment or `</script>` can
 * start; a code span kept only when its backtick run is closed by one of the same length, since an unclosed run would
 * pair with a backtick of the template around it and turn the template's code into text (`Promise<void>` into a tag);
 * and `|` escaped for table cells. A code span holding a backslash just before a pipe is not kept: escaping that pipe
 * ("\\\\|") would let it end the cell.
 */
export function markdownInline(text: string): string {
  const line = lineCommentText(text);
  let out = "";
  // Run lengths with no closing run left (none further on either): so many backticks take linear time.
  const unclosed = new Set<number>();
  for (let i = 0; i < line.length; ) {
    const char = line[i]!;
    if (char === "\\" && ESCAPABLE.test(line[i + 1] ?? "")) {
      // Kept ("\\|" stays one escaped pipe in a cell), except that "<" is always the entity.
      out += line[i + 1] === "<" ? "&lt;" : line.slice(i, i + 2);
      i += 2;
    } else if (char === "`") {
      let length = 1;
      while (line[i + length] === "`") length += 1;
      const close = unclosed.has(length) ? -1 : closingRun(line, i + length, length);
      if (close < 0) unclosed.add(length);
      const span = close < 0 ? "" : line.slice(i, close + length);
      if (close < 0 || span.includes("\\|")) {
        out += "\\`".repeat(length);
        i += length;
      } else {
        out += span.replace(/\|/g, "\\|");
        i += span.length;
      }
    } else {
      out += char === "<" ? "&lt;" : char === "|" ? "\\|" : char;
      i += 1;
    }
  }
  return out;
}

/**
 * Markdown prose as a paragraph of its own (a description under a heading): on one line, and not starting with what
 * would open a block (a heading, quote, list, table, fence or break) that could swallow the text after it.
 */
export function markdownParagraph(text: string): string {
  const line = lineCommentText(text)
    .trim()
    .replace(/^(\d+)([.)])/, "$1\\$2")
    .replace(/^([#>+*=_-]|~{3})/, "\\$1")
    .replace(/^`{3,}/, (fence) => fence.replace(/`/g, "\\`"));
  return markdownInline(line);
}

/** A Markdown code span: one line, delimited by more backticks than it contains. */
export function markdownCode(text: string): string {
  const code = lineCommentText(text);
  const longest = Math.max(0, ...(code.match(/`+/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(longest + 1);
  const pad = code.startsWith("`") || code.endsWith("`") ? " " : "";
  return `${fence}${pad}${code}${pad}${fence}`;
}

/** A Markdown code span in a table cell, where a pipe would end the cell even inside the span. */
export function markdownCellCode(text: string): string {
  // Escaping the pipe of "\\|" inside code ("\\\\|") would let it end the cell: such text is shown as literal prose.
  const code = lineCommentText(text);
  if (!code.includes("\\|")) return markdownCode(code.replace(/\|/g, "\\|"));
  return code.replace(/[!-/:-@[-`{-~]/g, (char) => (char === "<" ? "&lt;" : `\\${char}`));
}

/** Code placed between the lines of a fenced code block: none of its lines can close the fence (4 spaces of indent). */
export function markdownFenced(code: string): string {
  return code.replace(LINE_TERMINATORS, "\n").replace(/^ {0,3}(?=```|~~~)/gm, "    ");
}
