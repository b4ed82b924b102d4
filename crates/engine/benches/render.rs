//! Parse and execute of a helper-heavy Deployment: `include`d name and label helpers,
//! `toYaml | nindent` of resources and env, and `tpl` of values, as real charts are written.

use criterion::{Criterion, criterion_group, criterion_main};
use slipway_engine::{EngineOptions, Renderable, render_templates};
use slipway_value::{Dict, Value};

const HELPERS: &str = r#"{{- define "app.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- define "app.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}
{{- define "app.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- define "app.selectorLabels" -}}
app.kubernetes.io/name: {{ include "app.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}
{{- define "app.labels" -}}
helm.sh/chart: {{ include "app.chart" . }}
{{ include "app.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}
"#;

const DEPLOYMENT: &str = r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "app.fullname" . }}
  labels:
    {{- include "app.labels" . | nindent 4 }}
  annotations:
    {{- tpl (toYaml .Values.annotations) . | nindent 4 }}
spec:
  replicas: {{ .Values.replicaCount }}
  selector:
    matchLabels:
      {{- include "app.selectorLabels" . | nindent 6 }}
  template:
    metadata:
      labels:
        {{- include "app.selectorLabels" . | nindent 8 }}
    spec:
      containers:
        - name: {{ .Chart.Name }}
          image: "{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}"
          args:
            - --host={{ tpl .Values.host . }}
          env:
            {{- toYaml .Values.env | nindent 12 }}
          ports:
            {{- range $name, $port := .Values.ports }}
            - name: {{ $name }}
              containerPort: {{ $port }}
            {{- end }}
          resources:
            {{- toYaml .Values.resources | nindent 12 }}
"#;

const VALUES: &str = r#"{
  "replicaCount": 3,
  "image": {"repository": "nginx", "tag": ""},
  "host": "{{ .Release.Name }}.example.com",
  "annotations": {"team": "web", "release": "{{ .Release.Name }}"},
  "env": [{"name": "A", "value": "1"}, {"name": "B", "valueFrom": {"secretKeyRef": {"name": "s", "key": "k"}}}],
  "ports": {"http": 80, "metrics": 9090},
  "resources": {"limits": {"cpu": "500m", "memory": "256Mi"}, "requests": {"cpu": "100m", "memory": "128Mi"}}
}"#;

fn data() -> Dict {
    let json = |text: &str| Value::from_json(&serde_json::from_str(text).expect("valid JSON"));
    let top = json(
        r#"{"Release": {"Name": "demo", "Namespace": "default", "Service": "Helm"},
            "Chart": {"Name": "app", "Version": "1.2.3", "AppVersion": "4.5.6"}}"#,
    );
    let top = top.as_dict().expect("a map").clone();
    top.insert("Values", json(VALUES));
    top
}

fn bench_render(c: &mut Criterion) {
    let data = data();
    let templates = vec![
        Renderable {
            name: "app/templates/_helpers.tpl".to_owned(),
            text: HELPERS.to_owned(),
            data: data.clone(),
            base_path: "app/templates".to_owned(),
        },
        Renderable {
            name: "app/templates/deployment.yaml".to_owned(),
            text: DEPLOYMENT.to_owned(),
            data,
            base_path: "app/templates".to_owned(),
        },
    ];
    let options = EngineOptions::default();
    let out = render_templates(&templates, &options).expect("renders");
    assert!(out["app/templates/deployment.yaml"].contains("demo.example.com"));
    c.bench_function("parse+execute helper-heavy Deployment", |b| {
        b.iter(|| render_templates(&templates, &options).expect("renders"))
    });
}

criterion_group!(benches, bench_render);
criterion_main!(benches);
