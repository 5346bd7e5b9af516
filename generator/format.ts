import { format, type Options } from "prettier";

/** Fixed here, never read from config files, so that output is the same on every machine. */
const OPTIONS: Options = {
  printWidth: 120,
  tabWidth: 2,
  useTabs: false,
  semi: true,
  singleQuote: false,
  trailingComma: "all",
  bracketSpacing: true,
  arrowParens: "always",
  proseWrap: "preserve",
  endOfLine: "lf",
};

export async function formatFile(path: string, text: string): Promise<string> {
  const parser = path.endsWith(".md") ? "markdown" : "typescript";
  return format(text, { ...OPTIONS, parser });
}
