{{- define "x" }}x{{ end -}}
