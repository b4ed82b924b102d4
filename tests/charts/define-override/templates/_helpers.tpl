{{- define "shared.label" -}}parent-wins{{- end -}}
