//! Parse and execute a helper-heavy Deployment template (Helm style: `include`d helpers,
//! `toYaml | nindent`, `tpl`). The Helm functions here are small stand-ins; the point is the
//! engine's own cost.

use criterion::{Criterion, criterion_group, criterion_main};
use slipway_template::{Context, ContextFunc, MissingKey, TemplateSet};
use slipway_value::{Func, FuncError, FuncMap, Value};
use std::hint::black_box;
use std::sync::Arc;

const HELPERS: &str = r#"
{{- define "app.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- define "app.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- define "app.selectorLabels" -}}
app.kubernetes.io/name: {{ include "app.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}
{{- define "app.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{ include "app.selectorLabels" . }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}
"#;

const DEPLOYMENT: &str = r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "app.fullname" . }}
  labels:
    {{- include "app.labels" . | nindent 4 }}
spec:
  {{- if not .Values.autoscaling.enabled }}
  replicas: {{ .Values.replicaCount }}
  {{- end }}
  selector:
    matchLabels:
      {{- include "app.selectorLabels" . | nindent 6 }}
  template:
    metadata:
      annotations:
        note: {{ tpl .Values.note . | quote }}
      labels:
        {{- include "app.selectorLabels" . | nindent 8 }}
    spec:
      containers:
        - name: {{ .Chart.Name }}
          image: "{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}"
          imagePullPolicy: {{ .Values.image.pullPolicy }}
          ports:
            {{- range $i, $p := .Values.ports }}
            - name: {{ $p.name }}
              containerPort: {{ $p.port }}
            {{- end }}
          resources:
            {{- toYaml .Values.resources | nindent 12 }}
"#;

fn func(f: impl Fn(&[Value]) -> Result<Value, FuncError> + Send + Sync + 'static) -> Func {
    Arc::new(f)
}

fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.to_string(),
        other => slipway_value::fmt::format_value(other),
    }
}

fn stand_in_funcs() -> FuncMap {
    let mut m = FuncMap::new();
    m.insert(
        "default",
        func(|a| {
            let v = a.get(1).cloned().unwrap_or_default();
            Ok(if v.is_truthy() { v } else { a[0].clone() })
        }),
    );
    m.insert(
        "trunc",
        func(|a| {
            let n = match a[0] {
                Value::Int(n) => n as usize,
                _ => 0,
            };
            Ok(Value::from(text(&a[1]).chars().take(n).collect::<String>()))
        }),
    );
    m.insert(
        "trimSuffix",
        func(|a| {
            let s = text(&a[1]);
            let suffix = text(&a[0]);
            Ok(Value::from(
                s.strip_suffix(&suffix).unwrap_or(&s).to_owned(),
            ))
        }),
    );
    m.insert(
        "quote",
        func(|a| Ok(Value::from(slipway_value::fmt::quote(&text(&a[0]))))),
    );
    m.insert(
        "nindent",
        func(|a| {
            let n = match a[0] {
                Value::Int(n) => n as usize,
                _ => 0,
            };
            let pad = " ".repeat(n);
            let body = text(&a[1]).replace('\n', &format!("\n{pad}"));
            Ok(Value::from(format!("\n{pad}{body}")))
        }),
    );
    m.insert(
        "toYaml",
        func(|a| {
            let mut out = String::new();
            if let Some(d) = a[0].as_dict() {
                for (k, v) in d.read().iter() {
                    out.push_str(&format!("{k}: {}\n", text(v)));
                }
            }
            Ok(Value::from(out.trim_end().to_owned()))
        }),
    );
    m
}

fn set() -> TemplateSet {
    let include: ContextFunc = Arc::new(|ctx: &mut dyn Context, args: &[Value]| {
        let name = text(&args[0]);
        ctx.execute_template(&name, &args[1])
            .map(Value::from)
            .map_err(|e| FuncError::Failed(e.to_string()))
    });
    let tpl: ContextFunc = Arc::new(|ctx: &mut dyn Context, args: &[Value]| {
        let name = ctx.template_set().name().to_owned();
        ctx.execute_text(&name, &text(&args[0]), &args[1])
            .map(Value::from)
            .map_err(|e| FuncError::Failed(e.to_string()))
    });
    let mut set = TemplateSet::new()
        .named("gotpl")
        .with_funcs(stand_in_funcs())
        .option_missingkey(MissingKey::Zero);
    set.add_context_funcs([("include", include), ("tpl", tpl)]);
    set
}

fn values() -> Value {
    Value::from_json(&serde_json::json!({
        "Chart": {"Name": "web", "Version": "1.2.3", "AppVersion": "2.0"},
        "Release": {"Name": "prod", "Service": "Helm"},
        "Values": {
            "replicaCount": 3,
            "autoscaling": {"enabled": false},
            "note": "{{ .Release.Name }}-note",
            "image": {"repository": "nginx", "pullPolicy": "IfNotPresent"},
            "ports": [{"name": "http", "port": 80}, {"name": "metrics", "port": 9090}],
            "resources": {"cpu": "100m", "memory": "128Mi"}
        }
    }))
}

fn bench(c: &mut Criterion) {
    let base = set();
    let data = values();
    c.bench_function("parse+execute deployment", |b| {
        b.iter(|| {
            let mut s = base.clone();
            s.parse("templates/_helpers.tpl", HELPERS).unwrap();
            s.parse("templates/deployment.yaml", DEPLOYMENT).unwrap();
            let mut out = String::new();
            s.execute("templates/deployment.yaml", &data, &mut out)
                .unwrap();
            black_box(out)
        })
    });
    let mut parsed = base.clone();
    parsed.parse("templates/_helpers.tpl", HELPERS).unwrap();
    parsed
        .parse("templates/deployment.yaml", DEPLOYMENT)
        .unwrap();
    c.bench_function("execute deployment", |b| {
        b.iter(|| {
            let mut out = String::new();
            parsed
                .execute("templates/deployment.yaml", &data, &mut out)
                .unwrap();
            black_box(out)
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
