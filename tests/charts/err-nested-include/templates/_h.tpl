{{- define "h.outer" -}}
outer-{{ include "h.inner" . }}
{{- end -}}
{{- define "h.inner" -}}
{{ .Values.settings.deep.value }}
{{- end -}}
