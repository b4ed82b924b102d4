#### text-plain
hello world
#### text-unicode
{{ .Values.unicode }} {{ .Values.emoji }} {{ len .Values.unicode }}
#### trim-left
a   {{- "b" }}   c
#### trim-right
a   {{ "b" -}}   c
#### trim-both-newlines
x
  {{- "y" -}}

z
#### trim-comment
a {{- /* comment */ -}} b
#### comment-only
{{/* nothing here */}}done
#### if-else
{{ if .Values.truth }}T{{ else }}F{{ end }}{{ if .Values.lie }}T{{ else }}F{{ end }}
#### if-else-if
{{ if .Values.empty }}1{{ else if .Values.zero }}2{{ else if .Values.list }}3{{ else }}4{{ end }}
#### if-missing
{{ if .Values.missing }}yes{{ else }}no{{ end }}
#### truthiness-table
{{ range $k, $v := dict "e" .Values.empty "z" .Values.zero "n" .Values.nothing "l" .Values.emptyList "m" .Values.emptyMap "h" .Values.half "f" .Values.lie }}{{ $k }}={{ if $v }}t{{ else }}f{{ end }} {{ end }}
#### with-else
{{ with .Values.map }}{{ .a }}{{ end }}{{ with .Values.missing }}x{{ else }}none{{ end }}
#### with-else-with
{{ with .Values.missing }}a{{ else with .Values.name }}{{ . }}{{ end }}
#### range-list
{{ range .Values.list }}[{{ . }}]{{ end }}
#### range-index
{{ range $i, $v := .Values.list }}{{ $i }}:{{ $v }} {{ end }}
#### range-map-sorted
{{ range $k, $v := .Values.map }}{{ $k }} {{ end }}
#### range-else
{{ range .Values.emptyList }}x{{ else }}empty{{ end }}
#### range-int
{{ range 5 }}{{ . }}{{ end }}
#### range-break-continue
{{ range $i, $v := .Values.numbers }}{{ if eq $i 1 }}{{ continue }}{{ end }}{{ if eq $i 3 }}{{ break }}{{ end }}{{ $v }},{{ end }}
#### range-nested-dollar
{{ range .Values.list }}{{ $.Values.name }}-{{ . }} {{ end }}
#### variables
{{ $x := 1 }}{{ $x = add $x 1 }}{{ $x }}{{ $y := "s" }}{{ $y }}
#### variable-scope
{{ $v := "outer" }}{{ if true }}{{ $v := "inner" }}{{ $v }}{{ end }} {{ $v }}
#### variable-assign-in-range
{{ $sum := 0 }}{{ range .Values.users }}{{ $sum = add $sum .age }}{{ end }}{{ $sum }}
#### and-or
{{ and 1 "x" .Values.name }} {{ or .Values.empty .Values.zero "fallback" }} {{ and .Values.truth .Values.lie }}
#### not
{{ not .Values.truth }} {{ not .Values.empty }} {{ not .Values.list }}
#### eq-ne
{{ eq .Values.name "slipway" }} {{ eq 1 2 1 }} {{ ne "a" "b" }} {{ eq .Values.zero 0.0 }}
#### lt-gt
{{ lt 1 2 }} {{ gt 3.5 1.2 }} {{ le "a" "b" }} {{ ge 2 2 }}
#### len
{{ len .Values.list }} {{ len .Values.map }} {{ len .Values.name }} {{ len .Values.emptyList }}
#### index
{{ index .Values.list 1 }} {{ index .Values.map "a" }} {{ index .Values.deep "l1" "l2" "l3" "l4" "value" }} {{ index .Values.map.c.d 0 }}
#### index-missing-key
[{{ index .Values.map "nope" }}]
#### slice
{{ slice .Values.list 1 3 }} {{ slice .Values.list 2 }} {{ slice .Values.list }}
#### print-family
{{ print "a" 1 2 "b" }}|{{ println "x" 1 }}|{{ printf "%s-%d" "a" 5 }}
#### printf-verbs
{{ printf "%v %q %x %X %o %b %e %g %t %c %U" .Values.name "q" 255 255 8 5 1234.5678 0.000012 true 65 0x263A }}
#### printf-width
[{{ printf "%5d|%-5d|%05d|%+d|%x" 42 42 42 42 -42 }}] [{{ printf "%8.3f|%-8.2f|%.0f" 3.14159 2.5 2.5 }}]
#### printf-strings
{{ printf "%10s|%-10s|%.3s|%q" "abc" "abc" "abcdef" "a\"b" }}
#### printf-values
{{ printf "%v" .Values.map }} {{ printf "%v" .Values.list }} {{ printf "%v" .Values.nothing }}
#### printf-types
{{ printf "%T %T %T %T %T %T" .Values.name .Values.pi .Values.list .Values.map .Values.truth .Values.nothing }}
#### printf-errors
{{ printf "%d" "x" }} {{ printf "%s" }} {{ printf "%d %d" 1 }} {{ printf "x" 1 }}
#### print-floats
{{ .Values.pi }} {{ .Values.million }} {{ .Values.tiny }} {{ .Values.exp }} {{ .Values.floaty }} {{ .Values.half }}
#### print-ints
{{ .Values.octal }} {{ .Values.hex }} {{ .Values.negative }} {{ .Values.int64max }} {{ .Values.big }}
#### print-yaml11
{{ .Values.true }} {{ .Values.date }} {{ .Values.anchors.derived }}
#### html-js-urlquery
{{ html .Values.html }} {{ js .Values.html }} {{ urlquery .Values.url }}
#### pipeline-chain
{{ .Values.name | upper | repeat 2 | quote }}
#### parens
{{ (printf "%s-%s" "a" "b") | upper }} {{ len (list 1 2 3) }}
#### field-chain-method
{{ .Capabilities.KubeVersion.Major }}.{{ .Capabilities.KubeVersion.Minor }} {{ .Capabilities.APIVersions.Has "apps/v1" }}
#### release-object
{{ .Release.Name }} {{ .Release.Namespace }} {{ .Release.IsInstall }} {{ .Release.IsUpgrade }} {{ .Release.Revision }} {{ .Release.Service }}
#### chart-object
{{ .Chart.Name }} {{ .Chart.Version }} {{ .Chart.AppVersion }} {{ .Chart.IsRoot }}
#### template-object
{{ .Template.Name }} {{ .Template.BasePath }}
#### define-include raw
{{- define "tc.hello" -}}hello {{ . }}{{- end -}}
out: {{ include "tc.hello" "world" | quote }}
#### define-template-action raw
{{- define "tc.block" }}[{{ .Values.name }}]{{ end -}}
out: "{{ template "tc.block" . }}"
#### block raw
out: "{{ block "tc.blockdef" . }}default {{ .Values.name }}{{ end }}"
#### nested-define raw
{{- define "tc.outer" -}}<{{ include "tc.inner" . }}>{{- end -}}
{{- define "tc.inner" -}}{{ .x }}-{{ .y }}{{- end -}}
out: {{ include "tc.outer" (dict "x" 1 "y" "two") | quote }}
#### include-helper-labels raw
{{- define "tc.labels" -}}
app: {{ .Values.name }}
{{- range $k, $v := .Values.labels }}
{{ $k }}: {{ $v | quote }}
{{- end }}
{{- end -}}
metadata:
  labels:
    {{- include "tc.labels" . | nindent 4 }}
#### include-recursive raw
{{- define "tc.count" -}}{{ if gt (int .) 0 }}{{ . }} {{ include "tc.count" (sub (int .) 1) }}{{ end }}{{- end -}}
out: "{{ include "tc.count" 5 }}"
#### include-dict-context
{{ include "tc.shared" (dict "name" "x" "ctx" $) }}
#### tpl-basic
{{ tpl .Values.template . }}
#### tpl-of-tpl
{{ tpl .Values.nestedTemplate . }}
#### tpl-with-define
{{ tpl "{{ define \"tc.inTpl\" }}in-tpl{{ end }}{{ include \"tc.inTpl\" . }}" . }}
#### tpl-uses-outer-define
{{ tpl "{{ include \"tc.shared\" (dict \"name\" \"viaTpl\" \"ctx\" .) }}" . }}
#### tpl-custom-context
{{ tpl "{{ .a }}-{{ .b }}" (dict "a" 1 "b" "x") }}
#### tpl-template-name
{{ tpl "{{ .Template.Name }}" . }}
#### tpl-missing
[{{ tpl "{{ .Values.nope }}" . }}]
#### tpl-trim
[{{ tpl "  {{- \"x\" -}}  " . }}]
#### required-present
{{ required "need name" .Values.name }}
#### default
{{ default "d" .Values.empty }} {{ default "d" .Values.name }} {{ default 5 .Values.zero }} {{ default "d" .Values.missing }} {{ .Values.missing | default "piped" }}
#### empty
{{ empty .Values.empty }} {{ empty .Values.zero }} {{ empty .Values.list }} {{ empty .Values.emptyMap }} {{ empty .Values.lie }} {{ empty .Values.missing }}
#### coalesce
{{ coalesce .Values.empty .Values.zero .Values.name }} {{ coalesce .Values.missing "x" }}
#### ternary
{{ ternary "y" "n" .Values.truth }} {{ .Values.lie | ternary "y" "n" }}
#### all-any
{{ all 1 "a" true }} {{ all 1 "" true }} {{ any 0 "" .Values.name }} {{ any 0 "" }}
#### strings-case
{{ upper "abc" }} {{ lower "ÀBC" }} {{ title "hello world" }} {{ untitle "Hello World" }} {{ swapcase "Hello World" }}
#### strings-trim
[{{ trim .Values.spaces }}] [{{ trimAll "xy" "xyaxyb yx" }}] [{{ trimPrefix "ab" "abcab" }}] [{{ trimSuffix "ab" "abcab" }}]
#### strings-contains
{{ contains "quick" .Values.words }} {{ hasPrefix "the" .Values.words }} {{ hasSuffix "dog" .Values.words }} {{ contains "cat" .Values.words }}
#### strings-replace
{{ replace "o" "0" .Values.words }} {{ .Values.words | replace " " "-" }}
#### strings-repeat-substr
{{ repeat 3 "ab" }} {{ substr 4 9 .Values.words }} {{ substr 0 3 .Values.unicode }} {{ substr 2 100 "short" }}
#### strings-trunc
{{ trunc 5 .Values.words }} {{ trunc -3 .Values.words }} {{ trunc 100 "x" }} {{ trunc 63 (repeat 70 "a") | len }}
#### strings-abbrev
{{ abbrev 10 .Values.words }} {{ abbrevboth 5 15 .Values.words }}
#### strings-nospace-initials
{{ nospace .Values.words }} {{ initials .Values.words }}
#### strings-wrap
{{ wrap 10 .Values.words }}|{{ wrapWith 10 "<br>" .Values.words }}
#### strings-plural
{{ plural "one" "many" 1 }} {{ plural "one" "many" 2 }} {{ plural "one" "many" 0 }}
#### strings-case-convert
{{ snakecase .Values.camel }} {{ camelcase .Values.snake }} {{ kebabcase .Values.camel }} {{ camelcase "http_server" }} {{ snakecase "HTTPServer" }}
#### strings-quote
{{ quote "a" 1 .Values.nothing }} {{ squote "b" 2 }} {{ quote .Values.quoted }} {{ squote .Values.quoted }}
#### strings-cat
{{ cat "a" 1 .Values.nothing "b" }} {{ cat }}
#### strings-indent
{{ indent 4 .Values.multiline }}|{{ nindent 2 "a\nb" }}
#### strings-split
{{ split "," .Values.csv }} {{ (split "," .Values.csv)._1 }} {{ splitList "," .Values.csv }} {{ splitn "," 2 .Values.csv }}
#### strings-join
{{ join "," .Values.list }} {{ join "-" .Values.mixed }} {{ list 1 2 3 | join "+" }}
#### strings-sortalpha
{{ sortAlpha .Values.list }} {{ sortAlpha (list "b" "B" "a" "10" "9") }}
#### strings-tostrings
{{ toStrings .Values.numbers }} {{ toStrings (list 1 "a" .Values.nothing) }}
#### strings-regex
{{ regexMatch "^[a-z]+$" "abc" }} {{ regexFind "[0-9]+" "ab123cd456" }} {{ regexFindAll "[0-9]" "a1b2c3" -1 }} {{ regexFindAll "[0-9]" "a1b2c3" 2 }}
#### strings-regex-replace
{{ regexReplaceAll "a(x*)b" "-ab-axxb-" "${1}W" }} {{ regexReplaceAllLiteral "a(x*)b" "-ab-axxb-" "${1}" }} {{ regexSplit "z+" "pizza" -1 }} {{ regexQuoteMeta "1.5+x" }}
#### strings-regex-named
{{ regexReplaceAll "(?P<first>\\w+) (?P<last>\\w+)" "Ada Lovelace" "${last}, ${first}" }}
#### strings-misc
{{ "abc" | upper | lower }} {{ print "x" | len }} {{ toString 5 }} {{ toString 1.5 }} {{ toString .Values.list }}
#### conversions-int
{{ int "42" }} {{ int 3.9 }} {{ int "x" }} {{ int64 "7" }} {{ int .Values.pi }} {{ int .Values.truth }} {{ atoi "12" }}
#### conversions-float
{{ float64 "1.5" }} {{ float64 3 }} {{ float64 "x" }} {{ toDecimal "0755" }}
#### math-int
{{ add 1 2 3 }} {{ add1 5 }} {{ sub 10 3 }} {{ mul 2 3 4 }} {{ div 7 2 }} {{ mod 7 3 }} {{ max 1 5 3 }} {{ min 4 2 8 }}
#### math-mixed
{{ add 1.5 2 }} {{ mul "3" 2 }} {{ add .Values.pi 1 }} {{ div 10 3.0 }} {{ sub .Values.million 1 }}
#### math-float
{{ addf 1.5 2 }} {{ subf 5 1.25 }} {{ mulf 1.5 2 }} {{ divf 1 3 }} {{ maxf 1 2.5 }} {{ minf 1 0.5 }}
#### math-round
{{ floor 1.7 }} {{ ceil 1.2 }} {{ round 2.345 2 }} {{ round 2.5 0 }} {{ round -1.5 0 }}
#### math-large
{{ add .Values.int64max 0 }} {{ mul 1000000 1000000 }} {{ .Values.million | int }} {{ .Values.big | int64 }}
#### math-seq
{{ until 5 }} {{ untilStep 0 10 3 }} {{ untilStep 10 0 -4 }} {{ seq 5 }} {{ seq 2 5 }} {{ seq 10 -3 1 }}
#### lists-basic
{{ list 1 2 3 }} {{ first .Values.list }} {{ last .Values.list }} {{ rest .Values.list }} {{ initial .Values.list }}
#### lists-modify
{{ append .Values.list "four" }} {{ prepend .Values.list "zero" }} {{ concat .Values.list (list 1 2) (list) }} {{ reverse .Values.list }}
#### lists-uniq-compact
{{ uniq .Values.list }} {{ compact (list 1 "" 0 "a" .Values.nothing false) }} {{ without .Values.list "two" }}
#### lists-has
{{ has "two" .Values.list }} {{ has 5 .Values.list }} {{ .Values.list | has "one" }}
#### lists-slice-chunk
{{ slice .Values.list 1 }} {{ chunk 2 .Values.list }} {{ chunk 3 (until 7) }}
#### lists-empty
{{ first .Values.emptyList }} {{ last .Values.emptyList }} {{ rest .Values.emptyList }} {{ initial .Values.emptyList }}
#### lists-mixed
{{ .Values.mixed }} {{ len .Values.mixed }} {{ index .Values.mixed 5 }}
#### dict-basic
{{ $d := dict "b" 2 "a" 1 }}{{ $d }} {{ get $d "a" }} {{ get $d "zz" }} {{ hasKey $d "b" }} {{ hasKey $d "c" }}
#### dict-set-unset
{{ $d := dict "a" 1 }}{{ $_ := set $d "b" 2 }}{{ $_ := unset $d "a" }}{{ $d }}
#### dict-set-shared
{{ $d := dict }}{{ $e := $d }}{{ $_ := set $d "k" "v" }}{{ $e.k }}
#### dict-keys-values
{{ keys .Values.map | sortAlpha }} {{ values (dict "a" 1 "b" 2) | sortAlpha }}
#### dict-pluck-pick-omit
{{ pluck "a" (dict "a" 1) (dict "b" 2) (dict "a" 3) }} {{ pick .Values.map "a" "b" }} {{ omit .Values.map "c" "key with space" "10" "9" }}
#### dict-merge
{{ $dst := dict "a" 1 "n" (dict "x" 1) }}{{ $_ := merge $dst (dict "a" 2 "b" 3 "n" (dict "y" 2)) }}{{ toJson $dst }}
#### dict-merge-overwrite
{{ $dst := dict "a" 1 "n" (dict "x" 1) }}{{ $_ := mergeOverwrite $dst (dict "a" 2 "b" 3 "n" (dict "x" 9)) }}{{ toJson $dst }}
#### dict-deepcopy
{{ $c := deepCopy .Values.map }}{{ $_ := set $c "a" 100 }}{{ .Values.map.a }} {{ $c.a }}
#### dict-dig
{{ dig "l1" "l2" "l3" "l4" "value" "def" .Values.deep }} {{ dig "l1" "nope" "def" .Values.deep }}
#### dict-values-mutation
{{ $_ := set .Values "injected" "yes" }}{{ .Values.injected }}
#### dict-nonstring-keys
{{ range $k, $v := .Values.map }}{{ $k }}={{ $v }};{{ end }}
#### toyaml-map
{{ toYaml .Values.map }}
#### toyaml-nindent raw
spec:
  template:
    spec:
      containers:
        - name: c
          resources:
            {{- toYaml .Values.resources | nindent 12 }}
          env:
            {{- toYaml .Values.env | nindent 12 }}
#### toyaml-deep
{{ toYaml .Values.deep }}
#### toyaml-scalars
{{ toYaml .Values.name }}|{{ toYaml .Values.pi }}|{{ toYaml .Values.truth }}|{{ toYaml .Values.nothing }}|{{ toYaml .Values.emptyList }}|{{ toYaml .Values.emptyMap }}
#### toyaml-strings-needing-quotes
{{ toYaml (list "yes" "no" "on" "true" "1" "0755" "" "null" "~" "1.5" "1e3" "2001-12-14" "a: b" "#x" " lead" "trail " "- x" "@x" "`x" "x\ny" "tab\there" "ok") }}
#### toyaml-multiline
{{ toYaml (dict "script" .Values.multiline "folded" .Values.folded "trail" "a\nb\n\n") }}
#### toyaml-long-line
{{ toYaml (dict "long" (repeat 30 "word ")) }}
#### toyaml-numbers
{{ toYaml (list .Values.million .Values.big .Values.tiny .Values.half 1 1.0 -0.0 .Values.int64max) }}
#### toyaml-unicode
{{ toYaml (dict "u" .Values.unicode "e" .Values.emoji "k" "日本") }}
#### toyaml-users
{{ toYaml .Values.users }}
#### toyaml-sorted-keys
{{ toYaml (dict "b10" 1 "b9" 2 "B" 3 "a" 4 "_x" 5 "1" 6) }}
#### toyamlpretty
{{ toYamlPretty .Values.deep }}
#### toyamlpretty-list
{{ toYamlPretty (dict "l" (list 1 (dict "a" 2 "b" (list 3 4))) "s" "x\ny") }}
#### mustToYaml
{{ mustToYaml .Values.labels }}
#### fromyaml
{{ $y := fromYaml .Values.yamlText }}{{ $y.a }} {{ $y.b }} {{ $y.c }} {{ typeOf $y.a }}
#### fromyaml-error
{{ fromYaml "- a\n- b" }}
#### fromyaml-bad
{{ (fromYaml "a: [").Error }}
#### fromyamlarray
{{ fromYamlArray "- 1\n- two\n- {x: 3}" }} {{ fromYamlArray "a: 1" }}
#### tojson
{{ toJson .Values.map }} {{ toJson .Values.list }} {{ toJson .Values.html }} {{ toJson .Values.nothing }}
#### tojson-numbers
{{ toJson (list .Values.million .Values.big .Values.pi .Values.tiny 1 .Values.int64max) }}
#### toprettyjson
{{ toPrettyJson .Values.deep }}
#### torawjson
{{ toRawJson (dict "h" .Values.html) }} {{ mustToRawJson (list "<>") }}
#### fromjson
{{ $j := fromJson .Values.jsonText }}{{ $j.a }} {{ $j.b }} {{ $j.c.d }} {{ typeOf $j.a }}
#### fromjson-error
{{ fromJson "[1]" }} {{ (fromJson "{bad").Error }}
#### fromjsonarray
{{ fromJsonArray .Values.jsonArray }} {{ fromJsonArray "{}" }}
#### mustfromjson
{{ mustFromJson .Values.jsonText }}
#### totoml
{{ toToml (dict "a" 1 "s" "x" "t" (dict "b" true "l" (list 1 2))) }}
#### fromtoml
{{ $t := fromToml .Values.tomlText }}{{ $t.title }} {{ $t.owner.name }} {{ $t.owner.age }} {{ add $t.owner.age 1 }}
#### fromtoml-error
{{ (fromToml "a = ").Error | empty | not }}
#### encoding-b64
{{ b64enc .Values.unicode }} {{ b64dec "aGVsbG8=" }} {{ b64dec "!!" }}
#### encoding-b32
{{ b32enc "hello" }} {{ b32dec "NBSWY3DP" }}
#### hashes
{{ sha1sum "abc" }} {{ sha256sum "abc" }} {{ adler32sum "abc" }}
#### hash-sha512
{{ sha512sum "abc" }}
#### checksum-config
{{ toYaml .Values.labels | sha256sum | trunc 16 }}
#### uuid-random
{{ uuidv4 | len }} {{ randAlphaNum 10 | len }} {{ randAlpha 5 | len }} {{ randNumeric 7 | len }} {{ randAscii 3 | len }}
#### random-regex
{{ regexMatch "^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$" uuidv4 }} {{ regexMatch "^[0-9]+$" (randNumeric 8) }}
#### shuffle
{{ shuffle "aaaa" }} {{ shuffle "abc" | len }}
#### crypto-derive
{{ derivePassword 1 "long" "password" "user" "example.com" }}
#### crypto-htpasswd
{{ htpasswd "user" "pass" | hasPrefix "user:$2a$" }}
#### crypto-genca
{{ $ca := genCA "my-ca" 365 }}{{ $ca.Cert | hasPrefix "-----BEGIN CERTIFICATE-----" }} {{ $ca.Key | hasPrefix "-----BEGIN RSA PRIVATE KEY-----" }}
#### crypto-selfsigned
{{ $c := genSelfSignedCert "example.com" (list "10.0.0.1") (list "example.com" "www.example.com") 30 }}{{ $c.Cert | contains "CERTIFICATE" }} {{ $c.Key | contains "PRIVATE KEY" }}
#### crypto-signed
{{ $ca := genCA "ca" 10 }}{{ $c := genSignedCert "svc" nil (list "svc.ns") 10 $ca }}{{ $c.Cert | contains "CERTIFICATE" }}
#### crypto-privatekey
{{ genPrivateKey "ecdsa" | hasPrefix "-----BEGIN EC PRIVATE KEY-----" }} {{ genPrivateKey "ed25519" | hasPrefix "-----BEGIN PRIVATE KEY-----" }} {{ genPrivateKey "rsa" | hasPrefix "-----BEGIN RSA PRIVATE KEY-----" }}
#### crypto-aes
{{ encryptAES "secretkey" "plaintext" | decryptAES "secretkey" }}
#### semver-compare
{{ semverCompare ">=1.2.0" "1.2.3" }} {{ semverCompare "^1.0" "2.0.0" }} {{ semverCompare ">1.0.0-0" "1.2.3-beta.1" }} {{ semverCompare "~1.2" "1.2.9" }} {{ semverCompare "1.x || >=3" "3.1.0" }}
#### semver-object
{{ $v := semver .Values.version }}{{ $v.Major }}.{{ $v.Minor }}.{{ $v.Patch }} {{ $v.Prerelease }} {{ $v.Metadata }} {{ $v.Original }}
#### semver-kube
{{ semverCompare ">=1.19-0" .Capabilities.KubeVersion.GitVersion }} {{ semverCompare "<1.20" .Capabilities.KubeVersion.Version }}
#### dates-fixed
{{ date "2006-01-02 15:04:05" (toDate "2006-01-02" "2023-11-14") }} {{ toDate "2006-01-02T15:04:05Z07:00" .Values.rfc3339 | date "Jan 2, 2006" }}
#### dates-unix
{{ dateInZone "2006-01-02T15:04:05Z07:00" (.Values.timestamp | int64) "UTC" }} {{ .Values.timestamp | int64 | date "2006" }}
#### dates-modify
{{ toDate "2006-01-02" "2023-11-14" | dateModify "+24h" | date "2006-01-02" }} {{ htmlDate (toDate "2006-01-02" "2020-02-29") }}
#### dates-zone
{{ dateInZone "15:04 MST" (toDate "2006-01-02 15:04" "2023-06-01 12:00") "Europe/Paris" }}
#### dates-unixepoch
{{ toDate "2006-01-02" "2000-01-01" | unixEpoch }}
#### dates-duration
{{ duration 95 }} {{ duration "3600" }} {{ durationRound "2h10m5s" }} {{ durationRound 3700 }}
#### paths
{{ base "/a/b/c.txt" }} {{ dir "/a/b/c.txt" }} {{ ext "c.tar.gz" }} {{ clean "/a/../b//c/." }} {{ isAbs "/x" }} {{ isAbs "x" }}
#### paths-os
{{ osBase "/a/b/" }} {{ osDir "a" }} {{ osExt "x." }} {{ osClean "" }} {{ osIsAbs "/" }}
#### url-parse
{{ $u := urlParse .Values.url }}{{ $u.scheme }} {{ $u.host }} {{ $u.path }} {{ $u.query }} {{ $u.fragment }} {{ $u.userinfo }}
#### url-join
{{ urlJoin (dict "scheme" "https" "host" "x.io:80" "path" "/p" "query" "a=1") }}
#### reflection
{{ typeOf .Values.name }} {{ typeOf .Values.pi }} {{ typeOf .Values.list }} {{ typeOf .Values.map }} {{ typeOf 1 }} {{ kindOf .Values.map }} {{ kindOf 1 }} {{ kindIs "string" "x" }} {{ typeIs "float64" .Values.half }}
#### reflection-deepequal
{{ deepEqual .Values.list (list "one" "two" "three" "two") }} {{ deepEqual (dict "a" 1) (dict "a" 1.0) }}
#### get-host-by-name
[{{ getHostByName "localhost" }}]
#### lookup-no-cluster
{{ lookup "v1" "Namespace" "" "default" }} {{ (lookup "v1" "Pod" "ns" "").items }} {{ lookup "v1" "Secret" "ns" "x" | len }}
#### files-get
{{ .Files.Get "files/config.ini" }}
#### files-missing
[{{ .Files.Get "files/nope" }}]
#### files-glob-asconfig raw
data:
  {{- (.Files.Glob "files/*.ini").AsConfig | nindent 2 }}
#### files-glob-assecrets raw
data:
  {{- (.Files.Glob "files/**").AsSecrets | nindent 2 }}
#### files-lines
{{ range .Files.Lines "files/config.ini" }}<{{ . }}>{{ end }}
#### files-getbytes
{{ .Files.GetBytes "files/config.ini" | len }}
#### files-glob-range
{{ range $path, $_ := .Files.Glob "files/*" }}{{ $path }} {{ end }}
#### capabilities-apis
{{ .Capabilities.APIVersions.Has "batch/v1" }} {{ .Capabilities.APIVersions.Has "apps/v1/Deployment" }} {{ .Capabilities.APIVersions.Has "foo/v9" }}
#### capabilities-kube
{{ .Capabilities.KubeVersion }} {{ .Capabilities.KubeVersion.Version }} {{ .Capabilities.KubeVersion.GitVersion }}
#### capabilities-helm
{{ .Capabilities.HelmVersion.Version | hasPrefix "v4" }}
#### subcharts-object
{{ .Subcharts | len }}
#### nil-handling
[{{ .Values.nothing }}] [{{ .Values.missing }}] [{{ printf "%v" .Values.missing }}] [{{ .Values.nothing | default "d" }}]
#### no-value-replacement
[{{ .Values.missing }}] [<no value>] [{{ index .Values.map "zzz" }}]
#### missing-nested-with
{{ with .Values.missing }}{{ .deeper }}{{ else }}safe{{ end }}
#### string-concat-printf
{{ printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion) }}
#### whitespace-only-lines raw
a: 1
{{- if .Values.truth }}
b: 2
{{- end }}
{{- if .Values.lie }}
c: 3
{{- end }}

d: 4
#### yaml-list-range raw
items:
{{- range .Values.users }}
  - name: {{ .name }}
    age: {{ .age }}
    {{- if .admin }}
    admin: true
    {{- end }}
{{- end }}
#### yaml-ports raw
ports:
{{- range $name, $port := .Values.ports }}
  - name: {{ $name }}
    port: {{ $port }}
    targetPort: {{ $port }}
{{- end }}
#### yaml-env-quote raw
env:
{{- range $k, $v := .Values.labels }}
  - name: {{ $k | upper | replace "." "_" | replace "/" "_" | replace "-" "_" }}
    value: {{ $v | quote }}
{{- end }}
#### kind-less-doc-sep raw
a: 1
---
b: 2
---
# only a comment
---
c: 3
#### bitnami-style-names raw
{{- define "tc.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}
name: {{ include "tc.fullname" . }}
#### tpl-values-object raw
{{- define "tc.render" -}}
{{- if typeIs "string" .value }}
{{- tpl .value .context }}
{{- else }}
{{- tpl (.value | toYaml) .context }}
{{- end }}
{{- end -}}
a: {{ include "tc.render" (dict "value" .Values.template "context" $) }}
b: {{ include "tc.render" (dict "value" (dict "k" "{{ .Release.Name }}") "context" $) | quote }}
#### deep-nindent-chain
{{ toYaml .Values.deep | nindent 2 | nindent 2 | trim }}
#### indent-empty-lines
{{ "a\n\nb\n" | indent 3 }}|
#### large-int-arith
{{ add .Values.million .Values.million }} {{ mul .Values.million 3 }} {{ div .Values.million 7 }}
#### float-formatting
{{ 1.0 }} {{ 1.5e10 }} {{ 1e21 }} {{ 1e20 }} {{ 0.1 }} {{ 100000.0 }} {{ 1234567.0 }} {{ -0.0 }}
#### float-printf
{{ printf "%.2f %v %g %e" .Values.pi .Values.million .Values.million .Values.million }}
#### int-literals
{{ 0x10 }} {{ 0o17 }} {{ 0b101 }} {{ 1_000 }} {{ 'a' }} {{ -5 }}
#### string-literals
{{ "tab\tnew\\n" }} {{ `raw\n` }} {{ "\u00e9" }} {{ "\x41" }}
#### compare-mixed
{{ eq .Values.million 1000000.0 }} {{ lt .Values.half 1.0 }} {{ eq "a" "a" "b" }}
#### eq-nil
{{ eq .Values.nothing .Values.nothing }}
#### dollar-in-define raw
{{- define "tc.dollar" -}}{{ $.name }}/{{ .name }}{{- end -}}
out: {{ include "tc.dollar" (dict "name" "inner") }}
#### define-redefined-later raw
{{- define "tc.redef" }}first{{ end -}}
out: {{ include "tc.redef" . }}
#### range-over-dict-values
{{ range .Values.resources }}{{ .cpu }} {{ end }}
#### range-string-chars-split
{{ range splitList "" "abc" }}{{ . }}. {{ end }}
#### sprig-list-functions
{{ list 3 1 2 | sortAlpha }} {{ mustFirst (list 1) }} {{ mustLast (list 1 2) }} {{ mustRest (list 1 2) }} {{ mustInitial (list 1 2) }}
#### sprig-must-variants
{{ mustAppend (list 1) 2 }} {{ mustPrepend (list 1) 0 }} {{ mustReverse (list 1 2) }} {{ mustUniq (list 1 1) }} {{ mustWithout (list 1 2) 1 }} {{ mustHas 1 (list 1) }} {{ mustCompact (list "" 1) }} {{ mustSlice (list 1 2 3) 1 }} {{ mustChunk 1 (list 1 2) }}
#### sprig-must-regex
{{ mustRegexMatch "a+" "caat" }} {{ mustRegexFind "a+" "caat" }} {{ mustRegexFindAll "a" "aba" -1 }} {{ mustRegexReplaceAll "a" "aba" "x" }} {{ mustRegexReplaceAllLiteral "a" "aba" "$1" }} {{ mustRegexSplit "b" "aba" -1 }}
#### sprig-must-dates
{{ mustToDate "2006-01-02" "2021-03-04" | date "02/01/2006" }} {{ mustDateModify "-1h" (toDate "2006-01-02" "2021-03-04") | date "2006-01-02T15" }}
#### sprig-mustmerge
{{ $d := dict "a" 1 }}{{ mustMerge $d (dict "b" 2) | toJson }} {{ mustMergeOverwrite (dict "a" 1) (dict "a" 2) | toJson }} {{ mustDeepCopy (list 1) }}
#### sprig-must-json
{{ mustToJson .Values.list }} {{ mustToPrettyJson (list 1) }}
#### dict-get-nested
{{ get (get .Values.map "c") "d" }}
#### keys-sorted
{{ keys .Values.ports | sortAlpha | join "," }}
#### list-of-dicts-toyaml
{{ list (dict "name" "a" "v" 1) (dict "name" "b" "v" (list 1 2)) | toYaml }}
#### empty-output
{{- /* produces nothing */ -}}
#### only-whitespace-output
   
#### long-text-no-actions
Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua. Ut enim ad minim veniam, quis nostrud exercitation ullamco laboris nisi ut aliquip ex ea commodo consequat.
#### unicode-functions
{{ upper .Values.unicode }} {{ title .Values.unicode }} {{ trunc 3 .Values.unicode }} {{ reverse (list "日" "本") }}
#### unicode-toyaml-json
{{ toJson .Values.unicode }} {{ .Values.emoji | toYaml }} {{ toJson "\u2028 <" }}
#### printf-unicode
{{ printf "%q %x %5s|" .Values.unicode "é" "日本" }}
#### printf-map-list
{{ printf "%v|%+v|%s" .Values.users .Values.map.e .Values.list }}
#### yaml-anchors-merge
{{ toYaml .Values.anchors }}
#### octal-and-hex-values
{{ .Values.octal | toString }} {{ .Values.hex | printf "%d" }} {{ toYaml (dict "o" .Values.octal) }}
#### values-yes-key
{{ toYaml (pick .Values "true" "on") }}
#### set-in-range
{{ $m := dict }}{{ range $i, $u := .Values.users }}{{ $_ := set $m $u.name $i }}{{ end }}{{ toJson $m }}
#### list-append-loop
{{ $l := list }}{{ range .Values.users }}{{ $l = append $l .name }}{{ end }}{{ join "," $l }}
#### filter-users
{{ range .Values.users }}{{ if and .admin (gt (int .age) 31) }}{{ .name }}{{ end }}{{ end }}
#### nested-include-with-dict raw
{{- define "tc.container" -}}
- name: {{ .name }}
  image: {{ .image.repository }}:{{ .image.tag | default "latest" }}
  imagePullPolicy: {{ .image.pullPolicy }}
{{- end -}}
containers:
{{- include "tc.container" (dict "name" "main" "image" .Values.image) | nindent 2 }}
{{- include "tc.container" (dict "name" "side" "image" (dict "repository" "busybox" "tag" "1.36" "pullPolicy" "Always")) | nindent 2 }}
#### ingress-like raw
{{- $hosts := list "a.example.com" "b.example.com" -}}
rules:
{{- range $hosts }}
  - host: {{ . | quote }}
    http:
      paths:
        - path: /
          pathType: Prefix
          backend:
            service:
              name: {{ $.Release.Name }}
              port:
                number: {{ $.Values.ports.http }}
{{- end }}
tls:
  - hosts:
    {{- toYaml $hosts | nindent 4 }}
#### configmap-data raw
data:
  app.yaml: |
    {{- toYaml .Values.map | nindent 4 }}
  name: {{ .Values.name | quote }}
  json: {{ toJson .Values.labels | quote }}
#### annotations-checksum raw
annotations:
  checksum/config: {{ include "tc.shared" (dict "name" "cfg" "ctx" $) | sha256sum }}
#### complex-conditions
{{ if and (not .Values.lie) (or .Values.empty .Values.truth) (eq (len .Values.list) 4) }}ok{{ end }}
#### else-chains-with-vars
{{ $level := 5 }}{{ if lt $level 3 }}low{{ else if lt $level 6 }}mid{{ else }}high{{ end }}
#### with-dot-rebinding
{{ with .Values.deep.l1.l2 }}{{ with .l3 }}{{ .l4.value }}{{ end }}{{ end }}
#### range-with-index-on-map
{{ range $i, $e := .Values.env }}{{ $i }}={{ $e.name }} {{ end }}
#### int-float-comparisons
{{ lt 1.0 1.5 }} {{ eq 2 2 }} {{ gt (len .Values.list) 2 }}
#### quote-numbers
{{ quote 1 }} {{ quote 1.5 }} {{ quote .Values.million }} {{ quote true }}
#### squote-nil
{{ squote .Values.nothing }}|{{ quote .Values.missing }}
#### toString-types
{{ toString .Values.nothing }} {{ toString .Values.map.e }} {{ toString .Values.truth }} {{ toString .Values.big }}
#### b64-roundtrip
{{ .Values.words | b64enc | b64dec }}
#### sha-files
{{ .Files.Get "files/config.ini" | sha256sum }}
#### regexfind-empty
[{{ regexFind "z" "abc" }}] {{ regexFindAll "z" "abc" -1 }}
#### split-edge
{{ splitList "," "" }} {{ len (splitList "," "") }} {{ split "," "" }}
#### join-nil
{{ join "," (list 1 .Values.nothing "x") }}
#### until-zero
{{ until 0 }} {{ untilStep 0 0 1 }}
#### sub-negative
{{ sub 1 5 }} {{ mul -2 3 }} {{ div -7 2 }} {{ mod -7 3 }}
#### max-min-mixed
{{ max 1 2.5 "3" }} {{ min -1 "-2" }}
#### round-float-results
{{ divf 10 4 }} {{ mulf 0.1 3 }} {{ addf 0.1 0.2 }}
#### float-string
{{ float64 "1e3" }} {{ float64 "0x10" }} {{ float64 " 5" }}
#### nested-quotes-in-tpl
{{ tpl "{{ printf \"%s\" \"q\\\"q\" }}" . }}
#### include-in-tpl-in-include raw
{{- define "tc.tplwrap" -}}{{ tpl "[{{ include \"tc.shared\" (dict \"name\" \"deep\" \"ctx\" .) }}]" . }}{{- end -}}
out: {{ include "tc.tplwrap" . | quote }}
#### tpl-range
{{ tpl "{{ range .Values.list }}{{ . }};{{ end }}" . }}
#### tpl-variable-scope
{{ $x := "outer" }}{{ tpl "{{ $x := \"tpl\" }}{{ $x }}" . }} {{ $x }}
#### tpl-dollar
{{ tpl "{{ $.Values.name }}" . }}
#### tpl-nindent
{{ tpl "a:\n  b: {{ .Values.name }}" . | nindent 4 }}
#### required-in-include
{{ include "tc.needs" . }}
#### fail-not-reached
{{ if false }}{{ fail "never" }}{{ end }}ok
#### semver-sort
{{ semverCompare ">= 1.2.3, < 2" "1.5.0" }} {{ semverCompare "!=1.5.0" "1.5.0" }} {{ semverCompare "1.2.3 - 1.4" "1.4.9" }}
#### semver-error-free
{{ (semver "v2.0").Major }} {{ (semver "1.2").String }}
#### dig-list-value
{{ dig "l1" "l2" "l3" "l4" "list" (list) .Values.deep | len }}
#### hasKey-nested
{{ hasKey .Values.map.c "d" }} {{ hasKey .Values "nothing" }}
#### pluck-first
{{ pluck "cpu" .Values.resources.limits .Values.resources.requests | first }}
#### values-keys-types
{{ range $k, $v := .Values.ports }}{{ $k }}:{{ typeOf $v }} {{ end }}
#### nil-pointer-safe-and
{{ and .Values.missing .Values.missing.deep }}
#### or-shortcircuit
{{ or .Values.name .Values.missing.deep }}
#### env-functions-absent
{{ if (hasKey .Values "env") }}has-env-values{{ end }}
#### list-index-nested
{{ index .Values.deep.l1.l2.l3.l4.list 1 "b" }}
#### substr-unicode
{{ substr 0 3 "héllo" }}
#### printf-percent
{{ printf "100%%" }} {{ printf "%d%%" 5 }}
#### printf-nil-args
{{ printf "%v %s %d" .Values.nothing .Values.nothing .Values.nothing }}
#### printf-bool-num
{{ printf "%t %v %d" false 1.0 true }}
#### printf-hex-strings
{{ printf "%x %X % x" "hi" "hi" "hi" }}
#### printf-padding-unicode
{{ printf "[%-6s][%6s]" "日本" "é" }}
#### print-list-of-maps
{{ .Values.users }}
#### print-nested-empty
{{ .Values.emptyList }} {{ .Values.emptyMap }} {{ list }} {{ dict }}
#### print-bytes
{{ .Files.GetBytes "files/small.txt" }}
#### print-bool-list
{{ list true false }}
#### toyaml-bytes
{{ toJson (.Files.GetBytes "files/small.txt") }}
#### kebab-snake-edge
{{ kebabcase "FOO_BAR" }} {{ snakecase "fooBAR" }} {{ camelcase "foo-bar" }} {{ snakecase "a1B2" }}
#### title-edge
{{ title "hello-world foo_bar" }} {{ title "ÉCOLE école" }}
#### trimall-unicode
{{ trimAll "☃" "☃x☃" }}
#### contains-empty
{{ contains "" "abc" }} {{ hasPrefix "" "a" }}
#### replace-empty
{{ replace "" "-" "abc" }}
#### repeat-zero
[{{ repeat 0 "x" }}]
#### indent-zero
[{{ indent 0 "a\nb" }}]
#### nindent-empty
[{{ nindent 2 "" }}]
#### wrap-long-word
{{ wrap 5 "supercalifragilistic word" }}
#### abbrev-short
{{ abbrev 5 "abc" }} {{ abbrev 4 "abcdef" }}
#### initials-unicode
{{ initials "élan vital" }}
#### cat-lists
{{ cat (list 1 2) "x" }}
#### sortalpha-mixed
{{ sortAlpha (list 3 "a" 1.5) }}
#### uniq-mixed
{{ uniq (list 1 "1" 1 1.0) }}
#### has-types
{{ has 1 (list 1.0) }} {{ has "1" (list 1) }}
#### compact-dict-nil
{{ compact (list (dict) (list) "x") }}
#### concat-nested
{{ concat (list (list 1)) (list 2) }}
#### chunk-edge
{{ chunk 5 (list 1 2) }} {{ chunk 1 (list) }}
#### reverse-empty
{{ reverse (list) }}
#### first-string
{{ first (list "a") }}
#### dict-odd
{{ dict "a" }}
#### dict-nonstring-key
{{ dict 1 2 true "x" }}
#### get-on-missing
[{{ get .Values.map "missing" }}]
#### merge-multi
{{ merge (dict "a" 1) (dict "b" 2) (dict "a" 3 "c" 4) | toJson }}
#### mergeoverwrite-lists
{{ mergeOverwrite (dict "l" (list 1 2)) (dict "l" (list 3)) | toJson }}
#### merge-empty-values
{{ merge (dict "a" "") (dict "a" "x") | toJson }} {{ mergeOverwrite (dict "a" "x") (dict "a" "") | toJson }}
#### deepcopy-list
{{ deepCopy .Values.users | len }}
#### keys-multi
{{ keys (dict "a" 1) (dict "b" 2) | sortAlpha }}
#### values-single
{{ values (dict "z" 1) }}
#### pick-missing
{{ pick (dict "a" 1) "b" }}
#### omit-all
{{ omit (dict "a" 1) "a" }}
#### set-returns-dict
{{ set (dict) "k" "v" }}
#### unset-missing
{{ unset (dict "a" 1) "b" }}
#### adler-large
{{ adler32sum (repeat 100 "abc") }}
#### sha1-unicode
{{ sha1sum .Values.unicode }}
#### b32-unicode
{{ b32enc .Values.emoji }}
#### int64-from-float-string
{{ int64 "3.7" }} {{ int "1e3" }} {{ int64 .Values.big }}
#### atoi-bad
{{ atoi "x" }} {{ atoi "12a" }}
#### float-to-int-trunc
{{ int -3.9 }} {{ int64 2.99 }}
#### floor-ceil-ints
{{ floor 3 }} {{ ceil "2.1" }} {{ round "3.456" 1 }}
#### add-strings
{{ add "1" "2" }} {{ add1 "9" }}
#### div-float-exact
{{ divf 1 8 }}
#### bool-conversions
{{ toString true }} {{ ternary 1 2 (eq 1 1) }}
#### seq-edge
{{ seq 0 }} {{ seq 1 }} {{ seq -2 }} {{ seq 1 1 }}
#### untilstep-neg
{{ untilStep 5 0 -1 }}
#### toyaml-special-keys
{{ toYaml (dict "a b" 1 "a:b" 2 "yes" 3 "1.5" 4 "" 5) }}
#### toyaml-nested-lists
{{ toYaml (list (list 1 2) (list) (list (dict "a" (list "x")))) }}
#### toyaml-empty-string-values
{{ toYaml (dict "e" "" "s" " " "n" .Values.nothing) }}
#### toyaml-floats-formats
{{ toYaml (list 0.1 1e-7 123456789.0 1e21 3.0) }}
#### toyaml-long-string-spaces
{{ toYaml (dict "k" "This is a rather long string value that will certainly exceed the eighty column limit of the emitter") }}
#### toyaml-multiline-trailing-space
{{ toYaml (dict "k" "line with trailing space \nnext") }}
#### toyaml-leading-newline
{{ toYaml (dict "k" "\nstarts with newline") }}
#### toyaml-quote-chars
{{ toYaml (list "it's" "\"dq\"" "back\\slash" "percent%" "star*" "amp&" "bang!" "pipe|" "gt>" "q?" "brace{" "bracket[" "comma,x") }}
#### toyaml-unicode-escapes
{{ toYaml (list "\u0007bell" "é" "\u00a0nbsp" "zero\u200bwidth") }}
#### tojson-escapes
{{ toJson (list "\u0007" "\t" "é" "<&>" "\u2028") }}
#### toprettyjson-empty
{{ toPrettyJson (dict) }} {{ toPrettyJson (list) }} {{ toPrettyJson (dict "a" (list)) }}
#### fromyaml-numbers
{{ $y := fromYaml "i: 1\nf: 1.5\nb: 1e3\no: 0755\nh: 0x10\ns: '1'" }}{{ $y.i }} {{ $y.f }} {{ $y.b }} {{ $y.o }} {{ $y.h }} {{ $y.s }} {{ typeOf $y.i }}
#### fromyaml-bools
{{ $y := fromYaml "a: yes\nb: off\nc: Y\nd: NO\ne: 'yes'" }}{{ toJson $y }}
#### fromyaml-toyaml-roundtrip
{{ .Values.yamlText | fromYaml | toYaml }}
#### fromjson-numbers
{{ $j := fromJson "{\"i\": 1, \"big\": 12345678901234567890, \"f\": 1.0}" }}{{ $j.i }} {{ $j.big }} {{ $j.f }} {{ typeOf $j.i }}
#### tojson-fromyaml
{{ fromYaml "a: 1\nb: [x, 2.5]" | toJson }}
#### totoml-nested
{{ toToml (dict "server" (dict "host" "h" "ports" (list 80 443)) "name" "n") }}
#### totoml-list-of-tables
{{ toToml (dict "items" (list (dict "a" 1) (dict "a" 2))) }}
#### fromtoml-types
{{ $t := fromToml "i = 1\nf = 1.5\nb = true\ns = 'x'\nl = [1, 2]" }}{{ $t.i }} {{ typeOf $t.f }} {{ $t.l }} {{ $t.b }} {{ $t.s }}
#### tpl-values-list raw
items:
{{- range .Values.list }}
  - {{ tpl "{{ . | upper }}" . }}
{{- end }}
#### tpl-in-range-dollar
{{ range .Values.list }}{{ tpl "{{ .Values.name }}" $ }} {{ end }}
#### include-returns-string
{{ include "tc.shared" (dict "name" 5 "ctx" $) | typeOf }}
#### include-pipe-functions
{{ include "tc.shared" (dict "name" "p" "ctx" $) | upper | trunc 10 | quote }}
#### template-action-vs-include raw
{{- define "tc.dot" }}{{ .Values.name }}{{ end -}}
a: {{ template "tc.dot" . }}
b: {{ include "tc.dot" . }}
#### define-with-whitespace raw
{{ define "tc.ws" }}
  spaced
{{ end }}
out: "{{ include "tc.ws" . | trim }}"
#### comment-trim-newline raw
a: 1
{{- /* a comment that trims */}}
b: 2
#### trim-markers-near-text raw
list: [{{- range $i, $v := .Values.list }}{{ if $i }}, {{ end }}{{ $v | quote }}{{- end }}]
#### emptyish-doc raw
# leading comment
{{- if false }}
x: 1
{{- end }}
y: 2
