{{- define "shared.label" -}}child-loses{{- end -}}
{{- define "child.only" -}}child-{{ .Chart.Name }}{{- end -}}
