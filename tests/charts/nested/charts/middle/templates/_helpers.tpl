{{- define "middle.name" -}}{{ .Release.Name }}-{{ .Chart.Name }}{{- end -}}
