{{- define "err.host" -}}
{{ required "database.host is required: set it with --set database.host=..." .Values.database.host }}
{{- end -}}
