{{- define "layout.a" }}from-root{{ end -}}
