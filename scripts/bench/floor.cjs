// The floor of a cold check: read every corpus file of a workspace and split it into
// words with the project's own tokenizer (server/src/corpus/tokenize.ts, bundled by
// run.mjs), keeping nothing. A cold `pnote check` cannot do less than this.
//
//   node scripts/bench/floor.cjs TOKENIZER_BUNDLE WORKSPACE
//
// Prints {"files","chars","words"} as JSON. The corpus folder is read from
// pnote.json (default `corpus`); *.txt and *.md files, recursively, as FORMAT.md says.
'use strict';
const fs = require('fs');
const path = require('path');

const [bundle, workspace] = process.argv.slice(2);
const { tokenize } = require(path.resolve(bundle));
let corpus = 'corpus';
try {
  corpus = JSON.parse(fs.readFileSync(path.join(workspace, 'pnote.json'), 'utf8')).corpus || corpus;
} catch {
  // no pnote.json: the default folder
}
let files = 0;
let chars = 0;
let words = 0;
function walk(dir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      walk(full);
    } else if (/\.(txt|md)$/i.test(entry.name)) {
      const text = fs.readFileSync(full, 'utf8');
      files++;
      chars += text.length;
      words += tokenize(text).words.length;
    }
  }
}
walk(path.join(workspace, corpus));
process.stdout.write(JSON.stringify({ files, chars, words }) + '\n');
