{{/* The six services, in the order the platform's events flow. */}}
{{- define "civic.services" -}}
intake survey review dispatch settlement archive
{{- end }}

{{/* Labels of every object of one service; call with (dict "root" $ "name" $name). */}}
{{- define "civic.labels" -}}
{{ include "civic.selector" . }}
app.kubernetes.io/part-of: chizhou-assistance
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version }}
{{- end }}

{{/* What a service's Deployment, Service, PDB and NetworkPolicy select its pods by. */}}
{{- define "civic.selector" -}}
app.kubernetes.io/name: {{ .name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: service
{{- end }}

{{/* A service's CloudNativePG cluster; CNPG names its Services <cluster>-rw and its
     generated owner Secret <cluster>-app. */}}
{{- define "civic.db" -}}
{{ . }}-db
{{- end }}
