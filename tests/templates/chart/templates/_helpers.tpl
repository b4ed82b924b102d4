{{- define "tc.shared" -}}
shared:{{ .name }}:{{ .ctx.Release.Name }}
{{- end -}}

{{- define "tc.needs" -}}
{{ required "name is required" .Values.name }}-needed
{{- end -}}

{{- define "tc.redef" }}second{{ end -}}
