// validate.mjs MANIFEST.yaml: every document of the file must be a batch/v1 Job that the
// Kubernetes OpenAPI schema accepts (kubernetes-models' validate(): types, required fields,
// enums such as restartPolicy and completionMode). Prints "valid: N Job(s)" or the first problem.
import fs from "fs";
import YAML from "yaml";
import { Job } from "kubernetes-models/batch/v1";

const docs = YAML.parseAllDocuments(fs.readFileSync(process.argv[2], "utf8"));
let n = 0;
for (const d of docs) {
  if (d.errors.length) { console.log("invalid YAML: " + d.errors[0].message); process.exit(1); }
  const obj = d.toJS();
  if (!obj) continue;
  if (obj.apiVersion !== "batch/v1" || obj.kind !== "Job") {
    console.log(`invalid: document ${n + 1} is ${obj.apiVersion} ${obj.kind}, not a batch/v1 Job`);
    process.exit(1);
  }
  try { new Job(obj).validate(); } catch (e) { console.log("invalid: " + String(e.message).slice(0, 400)); process.exit(1); }
  n++;
}
if (n === 0) { console.log("invalid: no Job in the file"); process.exit(1); }
console.log(`valid: ${n} Job(s) against the batch/v1 schema`);
