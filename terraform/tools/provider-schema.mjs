#!/usr/bin/env node
// Prints the argument schema of Terraform resource and data source types, read from a published
// CDK-for-Terraform provider package (npm @cdktf/provider-azurerm, @cdktf/provider-google).
//
// Those packages are generated from `terraform providers schema -json` of one provider version
// (package.json "cdktf.provider"), so every argument, nested block and computed attribute of that
// version appears in their code. Only the files of the asked-for types are unpacked: the packages
// are ~30 MB compressed but ~270 MB unpacked each.
//
// usage: node provider-schema.mjs <package.tgz> <work dir> <type>...
// output (stdout, JSON): {"provider": {"name", "version"}, "types": {"<type>": {"kind": "resource"|"data",
//   "args": {"<name>": {"required": bool, "block": bool, "nesting": "simple|list|set|map",
//   "args": {...nested}, "attrs": [...]}}, "attrs": [...computed and argument names]}}, "missing": [...]}
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const [tgz, workDir, ...types] = process.argv.slice(2);
if (!tgz || !workDir || types.length === 0) {
  console.error("usage: provider-schema.mjs <package.tgz> <work dir> <type>...");
  process.exit(2);
}

mkdirSync(workDir, { recursive: true });
const packageJson = join(workDir, "package", "package.json");
if (!existsSync(packageJson)) {
  execFileSync("tar", ["-xzf", tgz, "-C", workDir, "package/package.json"]);
}
const provider = JSON.parse(readFileSync(packageJson, "utf8")).cdktf.provider;
const prefix = provider.name.split("/").pop() + "_"; // azurerm_, google_

function dirOf(type) {
  const data = type.startsWith("data.");
  const bare = data ? type.slice(5) : type;
  if (!bare.startsWith(prefix)) return null;
  const rest = bare.slice(prefix.length).replaceAll("_", "-");
  return data ? `data-${prefix.slice(0, -1)}-${rest}` : rest;
}

// Unpack the asked-for types' files in one tar pass (GNU tar: missing members are reported, not fatal
// with --ignore-failed-read? no: tar fails on a missing member, so ask only for what the listing has).
const wanted = [];
for (const t of types) {
  const d = dirOf(t);
  if (d && !existsSync(join(workDir, "package", "lib", d, "index.js"))) {
    wanted.push(`package/lib/${d}/index.js`, `package/lib/${d}/index.d.ts`);
  }
}
if (wanted.length > 0) {
  const listing = new Set(
    execFileSync("tar", ["-tzf", tgz], { maxBuffer: 256 * 1024 * 1024 }).toString().split("\n"),
  );
  const present = wanted.filter((w) => listing.has(w));
  if (present.length > 0) {
    execFileSync("tar", ["-xzf", tgz, "-C", workDir, ...present]);
  }
}

const ENTRY =
  /^\s+(\w+): \{\s*\n\s+value: ([^\n]*),\n\s+isBlock: (true|false),\n\s+type: "(\w+)",\n\s+storageClassType: "(\w+)",/gm;

function entries(body) {
  const out = [];
  for (const m of body.matchAll(ENTRY)) {
    const field = /(?:struct|this)!?\.(_?)(\w+)/.exec(m[2]);
    const nested = /(?<![.\w])([a-z]\w*)ToHclTerraform/.exec(m[2]);
    out.push({
      name: m[1],
      camel: field ? field[2] : null,
      block: m[3] === "true",
      nesting: m[4],
      nestedFn: m[3] === "true" && nested ? nested[1] : null,
    });
  }
  return out;
}

function interfaceFields(dts, name) {
  const start = dts.indexOf(`export interface ${name} `);
  if (start < 0) return null;
  const end = dts.indexOf("\n}", start);
  const fields = {};
  for (const m of dts.slice(start, end).matchAll(/readonly (\w+)(\?)?:/g)) {
    fields[m[1]] = !m[2];
  }
  return fields;
}

function classBody(js, className) {
  const start = js.indexOf(`class ${className} extends`);
  if (start < 0) return "";
  const end = js.indexOf(`exports.${className} = ${className};`, start);
  return js.slice(start, end < 0 ? undefined : end);
}

function attributesIn(body) {
  const names = new Set();
  for (const m of body.matchAll(/this\.(?:get\w*Attribute|interpolationForAttribute)\('(\w+)'\)/g)) names.add(m[1]);
  for (const m of body.matchAll(/\/\/ (\w+) - computed: true/g)) names.add(m[1]);
  return names;
}

const cap = (s) => s.charAt(0).toUpperCase() + s.slice(1);

function schemaOf(js, dts) {
  const fns = {};
  for (const m of js.matchAll(/^function (\w+)ToHclTerraform\(struct\) \{([\s\S]*?)^\}/gm)) fns[m[1]] = m[2];

  function build(list, required, depth) {
    const args = {};
    for (const e of list) {
      const arg = { required: required ? required[e.camel] === true : false, block: e.block, nesting: e.nesting };
      if (e.block && e.nestedFn && depth < 12) {
        const struct = cap(e.nestedFn);
        arg.args = build(entries(fns[e.nestedFn] || ""), interfaceFields(dts, struct), depth + 1);
        const out = attributesIn(classBody(js, `${struct}OutputReference`));
        for (const a of Object.keys(arg.args)) out.add(a);
        arg.attrs = [...out].sort();
      }
      args[e.name] = arg;
    }
    return args;
  }

  const cls = /^class (\w+) extends cdktf\.(TerraformResource|TerraformDataSource) \{/m.exec(js);
  const body = classBody(js, cls[1]);
  const synth = /synthesizeHclAttributes\(\) \{([\s\S]*?)\n {4}\}/.exec(body);
  const args = build(entries(synth ? synth[1] : ""), interfaceFields(dts, `${cls[1]}Config`), 0);
  const attrs = attributesIn(body);
  for (const a of Object.keys(args)) attrs.add(a);
  return {
    kind: cls[2] === "TerraformResource" ? "resource" : "data",
    tfType: /\.tfResourceType = "(\w+)";/.exec(js)[1],
    args,
    attrs: [...attrs].sort(),
  };
}

const result = { provider, types: {}, missing: [] };
for (const t of types) {
  const d = dirOf(t);
  const file = d && join(workDir, "package", "lib", d, "index.js");
  if (!file || !existsSync(file)) {
    result.missing.push(t);
    continue;
  }
  const schema = schemaOf(readFileSync(file, "utf8"), readFileSync(file.replace(/\.js$/, ".d.ts"), "utf8"));
  const bare = t.startsWith("data.") ? t.slice(5) : t;
  if (schema.tfType !== bare) {
    result.missing.push(t);
    continue;
  }
  result.types[t] = schema;
}
process.stdout.write(JSON.stringify(result, null, 1) + "\n");
