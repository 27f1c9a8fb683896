// Copies the playground's browser files from node_modules (installed by `npm ci` from package-lock.json)
// into internal/playground/assets/dist, which the Go server embeds. The files are copied byte for byte, so
// what the server sends is what the npm registry published under the lockfile's integrity hashes.
// Usage: npm ci && node build.mjs [--out DIR]
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const outFlag = process.argv.indexOf("--out");
const out = outFlag > 0 ? resolve(process.argv[outFlag + 1]) : join(here, "..", "internal", "playground", "assets", "dist");

// Each entry: npm package, file inside it, name under dist/. The Go side (internal/playground/assets.go)
// loads exactly these names, in this order.
const files = [
  { pkg: "react", from: "umd/react.production.min.js", to: "react.production.min.js" },
  { pkg: "react-dom", from: "umd/react-dom.production.min.js", to: "react-dom.production.min.js" },
  { pkg: "graphql-ws", from: "umd/graphql-ws.min.js", to: "graphql-ws.min.js" },
  { pkg: "graphiql", from: "dist/index.umd.js", to: "graphiql.min.js" },
  { pkg: "graphiql", from: "dist/style.css", to: "graphiql.min.css" },
];

const pinned = JSON.parse(readFileSync(join(here, "package.json"), "utf8")).dependencies;

function installed(pkg) {
  const dir = join(here, "node_modules", pkg);
  let meta;
  try {
    meta = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
  } catch {
    fail(`${pkg} is not installed in web/node_modules: run \`npm ci\` in web/ first (or \`make assets\`)`);
  }
  if (pinned[pkg] !== meta.version) {
    fail(`web/node_modules has ${pkg}@${meta.version} but package.json pins ${pinned[pkg]}: run \`npm ci\` again`);
  }
  return { dir, version: meta.version, license: meta.license };
}

function fail(msg) {
  console.error(`build.mjs: ${msg}`);
  process.exit(1);
}

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

const manifest = { note: "written by web/build.mjs; do not edit", packages: {}, files: {} };
const licenses = [];
for (const f of files) {
  const p = installed(f.pkg);
  const body = readFileSync(join(p.dir, f.from));
  writeFileSync(join(out, f.to), body);
  manifest.files[f.to] = {
    package: `${f.pkg}@${p.version}`,
    source: f.from,
    sha256: createHash("sha256").update(body).digest("hex"),
    bytes: body.length,
  };
  if (!manifest.packages[f.pkg]) {
    manifest.packages[f.pkg] = p.version;
    const text = licenseText(p.dir);
    licenses.push(`${f.pkg}@${p.version} (${p.license})\n${"=".repeat(72)}\n${text.trim()}\n`);
  }
}
writeFileSync(join(out, "THIRD_PARTY_LICENSES.txt"), licenses.join("\n"));
// Written last: make uses it as the stamp that says the copy is complete.
writeFileSync(join(out, "manifest.json"), JSON.stringify(manifest, null, 2) + "\n");

const total = Object.values(manifest.files).reduce((n, f) => n + f.bytes, 0);
console.log(`build.mjs: copied ${files.length} files (${(total / 1024).toFixed(0)} KiB) to ${out}`);
for (const [name, f] of Object.entries(manifest.files)) console.log(`  ${name.padEnd(28)} ${f.package}`);

function licenseText(dir) {
  for (const name of ["LICENSE", "LICENSE.md", "LICENSE.txt", "license"]) {
    try {
      return readFileSync(join(dir, name), "utf8");
    } catch {
      // try the next spelling
    }
  }
  fail(`no license file in ${dir}`);
}
