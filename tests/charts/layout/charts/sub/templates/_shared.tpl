{{- define "shared.name" }}defined-in-sub{{ end -}}
{{- define "layout.a" }}from-sub{{ end -}}
