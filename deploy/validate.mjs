#!/usr/bin/env node
// Validates deploy/kubernetes/**/*.yaml against the Kubernetes API schemas shipped in the
// kubernetes-models package (offline), checks that the manifests agree with each other and
// with the worker's flags, and lints the Dockerfiles with dockerfile-utils.
// Usage: node deploy/validate.mjs (npm run validate:deploy). Exit 1 on any finding.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { validate as lintDockerfile } from 'dockerfile-utils';
import { parseAllDocuments } from 'yaml';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const MANIFESTS = join(ROOT, 'deploy', 'kubernetes');
const DOCKERFILES = ['packages/agent/Dockerfile', 'packages/server/Dockerfile'];
/** Seconds the worker's calls get after the drain limit to say goodbye (run-worker.ts). */
const GOODBYE_GRACE_SECONDS = 15;

const findings = [];
const fail = (where, message) => findings.push(`${where}: ${message}`);

function yamlFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? yamlFiles(join(dir, entry.name))
      : entry.name.endsWith('.yaml')
        ? [join(dir, entry.name)]
        : [],
  );
}

/** The kubernetes-models class for an apiVersion and kind, e.g. apps/v1 Deployment. */
async function modelOf(apiVersion, kind) {
  const module = await import(`kubernetes-models/${apiVersion}`).catch(() => undefined);
  return module?.[kind];
}

const objects = [];
for (const file of yamlFiles(MANIFESTS)) {
  const where = relative(ROOT, file);
  for (const document of parseAllDocuments(readFileSync(file, 'utf8'))) {
    if (document.errors.length > 0) {
      fail(where, `YAML: ${document.errors[0].message}`);
      continue;
    }
    const object = document.toJS();
    if (!object) continue;
    const name = `${where} ${object.kind}/${object.metadata?.name}`;
    const Model = await modelOf(object.apiVersion, object.kind);
    if (!Model) {
      fail(name, `unknown apiVersion/kind ${object.apiVersion} ${object.kind}`);
      continue;
    }
    try {
      new Model(object).validate();
    } catch (error) {
      fail(name, `schema: ${error.message}`);
    }
    objects.push({ where: name, file: where, object });
  }
}

/** The value after `--flag` in a container's args. */
const flag = (args, name) => {
  const index = args.indexOf(name);
  return index === -1 ? undefined : args[index + 1];
};

const worker = objects.find(
  ({ object, file }) =>
    object.kind === 'Deployment' && object.metadata.name === 'voice-agent-worker' && file,
);
if (!worker) fail('deploy/kubernetes', 'no voice-agent-worker Deployment');
else {
  const spec = worker.object.spec.template.spec;
  const container = spec.containers[0];
  const args = container.args ?? [];
  const drainLimit = Number(flag(args, '--drain-limit'));
  const threshold = Number(flag(args, '--load-threshold'));
  const healthPort = Number(flag(args, '--port'));
  if (!(spec.terminationGracePeriodSeconds >= drainLimit + GOODBYE_GRACE_SECONDS)) {
    fail(
      worker.where,
      `terminationGracePeriodSeconds ${spec.terminationGracePeriodSeconds} < --drain-limit ${drainLimit} + ${GOODBYE_GRACE_SECONDS}`,
    );
  }
  for (const probe of ['readinessProbe', 'livenessProbe']) {
    const port = container[probe]?.httpGet?.port;
    const number = container.ports?.find((p) => p.name === port)?.containerPort ?? port;
    if (number !== healthPort)
      fail(worker.where, `${probe} is not on the health port ${healthPort}`);
  }
  for (const { where, object } of objects) {
    if (object.kind !== 'HorizontalPodAutoscaler') continue;
    for (const metric of object.spec.metrics ?? []) {
      const target = metric.resource?.name === 'cpu' && metric.resource.target.averageUtilization;
      if (target && !(target / 100 < threshold)) {
        fail(where, `CPU target ${target}% is not below the load threshold ${threshold}`);
      }
    }
  }
  if (!objects.some(({ object }) => object.kind === 'PodDisruptionBudget')) {
    fail('deploy/kubernetes', 'no PodDisruptionBudget');
  }
}

for (const path of DOCKERFILES) {
  const text = readFileSync(join(ROOT, path), 'utf8');
  for (const diagnostic of lintDockerfile(text)) {
    fail(`${path}:${diagnostic.range.start.line + 1}`, diagnostic.message);
  }
  const stages = text.split('\n').filter((line) => /^FROM\s/i.test(line));
  if (stages.length < 2) fail(path, 'not a multi-stage build');
  const final = text.slice(text.lastIndexOf(stages.at(-1) ?? ''));
  if (!/^USER\s+(?!root\b|0\b)\S+/m.test(final))
    fail(path, 'the final stage does not run as a non-root USER');
  if (!/^HEALTHCHECK\s/m.test(final)) fail(path, 'the final stage has no HEALTHCHECK');
  if (!/npm ci\b[^\n]*--omit=dev/.test(final))
    fail(path, 'the final stage does not install with npm ci --omit=dev');
}

if (findings.length > 0) {
  for (const finding of findings) console.error(finding);
  process.exit(1);
}
console.log(
  `deploy: ${objects.length} Kubernetes objects and ${DOCKERFILES.length} Dockerfiles valid`,
);
