// AdmissionReview v1 requests as the Kubernetes API server sends them (admission.k8s.io/v1 AdmissionReview; the
// objects follow the API reference shapes of core/v1 Pod, apps/v1 Deployment, StatefulSet, DaemonSet, ReplicaSet,
// batch/v1 Job and CronJob, and KServe's serving.kserve.io/v1beta1 InferenceService), for the gate's tests.
import { randomUUID } from 'node:crypto';

export type WorkloadKind =
  'Pod' | 'Deployment' | 'StatefulSet' | 'DaemonSet' | 'ReplicaSet' | 'Job' | 'CronJob' | 'InferenceService';

const GVR: Record<WorkloadKind, { group: string; version: string; resource: string }> = {
  Pod: { group: '', version: 'v1', resource: 'pods' },
  Deployment: { group: 'apps', version: 'v1', resource: 'deployments' },
  StatefulSet: { group: 'apps', version: 'v1', resource: 'statefulsets' },
  DaemonSet: { group: 'apps', version: 'v1', resource: 'daemonsets' },
  ReplicaSet: { group: 'apps', version: 'v1', resource: 'replicasets' },
  Job: { group: 'batch', version: 'v1', resource: 'jobs' },
  CronJob: { group: 'batch', version: 'v1', resource: 'cronjobs' },
  InferenceService: { group: 'serving.kserve.io', version: 'v1beta1', resource: 'inferenceservices' },
};

export const WORKLOAD_KINDS = Object.keys(GVR) as WorkloadKind[];

export function podSpec(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    containers: [
      {
        name: 'server',
        image: 'ghcr.io/example/model-server:1.0',
        ports: [{ containerPort: 8080, protocol: 'TCP' }],
        volumeMounts: [{ name: 'model', mountPath: '/models/current', readOnly: true }],
        resources: { limits: { memory: '1Gi' } },
      },
    ],
    volumes: [{ name: 'model', persistentVolumeClaim: { claimName: 'model-pvc' } }],
    restartPolicy: 'Always',
    ...extra,
  };
}

/** The workload object of `kind`, with `annotations` on the object's metadata (and `labels` on the pod). */
export function workloadObject(
  kind: WorkloadKind,
  name: string,
  namespace: string,
  annotations: Record<string, string>,
  options: { storageUri?: string; labels?: Record<string, string> } = {},
): Record<string, unknown> {
  const { group, version } = GVR[kind];
  const apiVersion = group ? `${group}/${version}` : version;
  const metadata = { name, namespace, annotations, labels: { app: name, ...options.labels } };
  const template = { metadata: { labels: { app: name, ...options.labels } }, spec: podSpec() };
  const jobSpec = { template: { ...template, spec: podSpec({ restartPolicy: 'Never' }) }, backoffLimit: 2 };
  const selector = { matchLabels: { app: name } };
  switch (kind) {
    case 'Pod':
      return { apiVersion, kind, metadata, spec: podSpec() };
    case 'Deployment':
    case 'ReplicaSet':
      return { apiVersion, kind, metadata, spec: { replicas: 2, selector, template } };
    case 'StatefulSet':
      return { apiVersion, kind, metadata, spec: { serviceName: name, replicas: 1, selector, template } };
    case 'DaemonSet':
      return { apiVersion, kind, metadata, spec: { selector, template } };
    case 'Job':
      return { apiVersion, kind, metadata, spec: jobSpec };
    case 'CronJob':
      return { apiVersion, kind, metadata, spec: { schedule: '0 * * * *', jobTemplate: { spec: jobSpec } } };
    case 'InferenceService':
      return {
        apiVersion,
        kind,
        metadata,
        spec: { predictor: { model: { modelFormat: { name: 'huggingface' }, storageUri: options.storageUri ?? '' } } },
      };
  }
}

/** An AdmissionReview v1 request for creating `object`. */
export function admissionReview(
  kind: WorkloadKind,
  object: Record<string, unknown>,
  options: { operation?: string; dryRun?: boolean } = {},
): Record<string, unknown> {
  const { group, version, resource } = GVR[kind];
  const metadata = object['metadata'] as { name: string; namespace: string };
  return {
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid: randomUUID(),
      kind: { group, version, kind },
      resource: { group, version, resource },
      requestKind: { group, version, kind },
      requestResource: { group, version, resource },
      name: metadata.name,
      namespace: metadata.namespace,
      operation: options.operation ?? 'CREATE',
      userInfo: {
        username: 'system:serviceaccount:ci:deployer',
        uid: randomUUID(),
        groups: ['system:serviceaccounts', 'system:authenticated'],
      },
      object,
      oldObject: null,
      dryRun: options.dryRun ?? false,
      options: { apiVersion: 'meta.k8s.io/v1', kind: 'CreateOptions' },
    },
  };
}
