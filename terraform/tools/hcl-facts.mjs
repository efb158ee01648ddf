#!/usr/bin/env node
// Parses every .tf file under the given directories with @cdktf/hcl2json and prints, as JSON:
//   {"files": {"<path>": <the file as JSON, expressions as "${...}" strings>},
//    "errors": {"<path>": "<parser message with line and column>"},
//    "refs": {"<expression string>": ["var.x", "aws_y.z.attr", ...]}}
// The references come from the parser too (getReferencesInExpression), so names bound inside an
// expression (for-expression keys and values) are not reported as references.
//
// usage: node hcl-facts.mjs <node_modules dir> <root dir> <dir>...   (paths in the output: relative to root)
import { createRequire } from "node:module";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";

const [modules, root, ...dirs] = process.argv.slice(2);
const require = createRequire(join(resolve(modules), "noop.js"));
const hcl = require("@cdktf/hcl2json");

function tfFiles(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (name.startsWith(".")) continue;
    if (statSync(path).isDirectory()) out.push(...tfFiles(path));
    else if (name.endsWith(".tf")) out.push(path);
  }
  return out;
}

function strings(value, into) {
  if (typeof value === "string") {
    if (value.includes("${") || value.includes("%{")) into.add(value);
  } else if (Array.isArray(value)) {
    value.forEach((v) => strings(v, into));
  } else if (value && typeof value === "object") {
    Object.values(value).forEach((v) => strings(v, into));
  }
}

// The parsed JSON holds template strings with their escapes decoded; quote one again as an HCL
// string literal (escaping only the literal parts, not the ${...} / %{...} interpolations).
function quoted(template) {
  let out = '"';
  let depth = 0;
  for (let i = 0; i < template.length; i++) {
    const c = template[i];
    if (depth === 0 && (c === "$" || c === "%") && template[i + 1] === c && template[i + 2] === "{") {
      out += c + c + "{"; // an escaped, literal $${ or %%{
      i += 2;
    } else if (depth === 0 && (c === "$" || c === "%") && template[i + 1] === "{") {
      depth = 1;
      out += c + "{";
      i++;
    } else if (depth > 0) {
      if (c === "{") depth++;
      if (c === "}") depth--;
      out += c;
    } else if (c === '"' || c === "\\") {
      out += "\\" + c;
    } else if (c === "\n") {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out + '"';
}

const result = { files: {}, errors: {}, refs: {} };
const expressions = new Set();
for (const dir of dirs) {
  for (const file of tfFiles(dir)) {
    const key = relative(root, file);
    try {
      result.files[key] = await hcl.parse(file, readFileSync(file, "utf8"));
      strings(result.files[key], expressions);
    } catch (e) {
      result.errors[key] = String(e.message || e);
    }
  }
}
for (const expr of expressions) {
  try {
    result.refs[expr] = (await hcl.getReferencesInExpression("expr.tf", quoted(expr))).map((r) => r.value);
  } catch (e) {
    result.errors[`expression ${expr}`] = String(e.message || e);
  }
}
process.stdout.write(JSON.stringify(result) + "\n");
