{{- define "unused" }}{{ end -}}
