// The text pdf.js (Firefox's PDF viewer) extracts from PDFs: `node tests/pdfjs_text.mjs a.pdf [b.pdf ...]` prints
// one JSON array per file, one string per page, the page's text items in content order as Firefox's find bar and
// copy see them (an item's end-of-line flag becomes a newline). Used by tests/extract.py.
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";

const require = createRequire(path.join(import.meta.dirname, "browser", "package.json"));
const pdfjs = await import(require.resolve("pdfjs-dist/legacy/build/pdf.mjs"));

async function pagesOf(file) {
  const data = new Uint8Array(await readFile(file));
  const document = await pdfjs.getDocument({ data, useSystemFonts: false, isEvalSupported: false, verbosity: 0 }).promise;
  const pages = [];
  for (let number = 1; number <= document.numPages; number++) {
    const page = await document.getPage(number);
    const content = await page.getTextContent();
    pages.push(content.items.map((item) => (item.str ?? "") + (item.hasEOL ? "\n" : "")).join(""));
  }
  await document.destroy();
  return pages;
}

for (const file of process.argv.slice(2)) {
  console.log(JSON.stringify(await pagesOf(file)));
}
