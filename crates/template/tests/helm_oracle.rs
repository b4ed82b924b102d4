//! Differential test against the real `helm` binary (Go's text/template and fmt): every case
//! is rendered by `helm template` through a throw-away chart and by this engine, and the
//! outputs must be identical. Expected values come only from helm.
//!
//! helm is found on PATH or in the repository's `.tools/bin`; without it the test prints a
//! notice and passes, unless `SLIPWAY_REQUIRE_ORACLES=1`.

use slipway_template::{Context, ContextFunc, TemplateSet};
use slipway_value::{Dict, Func, FuncError, FuncMap, Value};
use std::process::Command;
use std::sync::Arc;

/// Template snippets: printf verbs and flags, and the language itself.
const CASES: &[&str] = &[
    r#"{{ printf "%v" 1.0 }}"#,
    r#"{{ printf "%v" 1e6 }}"#,
    r#"{{ printf "%v" 100000.0 }}"#,
    r#"{{ printf "%v" 1.5e-7 }}"#,
    r#"{{ printf "%v" 123456789.0 }}"#,
    r#"{{ printf "%v" 0.000012345 }}"#,
    r#"{{ printf "%g" 1e21 }}"#,
    r#"{{ printf "%e" 123.456 }}"#,
    r#"{{ printf "%.3e" 0.0001234 }}"#,
    r#"{{ printf "%f" 1e20 }}"#,
    r#"{{ printf "%.0f" 2.5 }}"#,
    r#"{{ printf "%.1f" 0.25 }}"#,
    r#"{{ printf "%.2f" 1.005 }}"#,
    r#"{{ printf "%5.1f|" -3.14159 }}"#,
    r#"{{ printf "%-8.2f|" 3.14159 }}"#,
    r#"{{ printf "%08.3f" -3.5 }}"#,
    r#"{{ printf "%+.2e" 12345.678 }}"#,
    r#"{{ printf "%x" 255 }}"#,
    r#"{{ printf "%X" 3.5 }}"#,
    r#"{{ printf "%#x" "hi" }}"#,
    r#"{{ printf "% x" "hi" }}"#,
    r#"{{ printf "%q" "a\tb" }}"#,
    r#"{{ printf "%#q" "a`b" }}"#,
    r#"{{ printf "%U" 0x1F600 }}"#,
    r#"{{ printf "%#U" 0x1F600 }}"#,
    r#"{{ printf "%c" 65 }}"#,
    r#"{{ printf "%q" 65 }}"#,
    r#"{{ printf "%o" 64 }}"#,
    r#"{{ printf "%O" 64 }}"#,
    r#"{{ printf "%b" 5 }}"#,
    r#"{{ printf "%b" 1.0 }}"#,
    r#"{{ printf "%08b" 5 }}"#,
    r#"{{ printf "%t" true }}"#,
    r#"{{ printf "%5t|" false }}"#,
    r#"{{ printf "%v" (list 1 "a" nil 2.5) }}"#,
    r#"{{ printf "%d" (list 1 2) }}"#,
    r#"{{ printf "%s" (list "a" 1) }}"#,
    r#"{{ printf "%v" (dict "b" 1 "a" (list 1 2)) }}"#,
    r#"{{ printf "%#v" (dict "b" 1 "a" (list 1 2)) }}"#,
    r#"{{ printf "%#v" (list 1 "x" nil) }}"#,
    r#"{{ printf "%T" (list) }}"#,
    r#"{{ printf "%T" (dict) }}"#,
    r#"{{ printf "%T" 1.5 }}"#,
    r#"{{ printf "%d" "x" }}"#,
    r#"{{ printf "%s" 5 }}"#,
    r#"{{ printf "%!" 1 }}"#,
    r#"{{ printf "%z" 1 }}"#,
    r#"{{ printf "%[2]d %[1]d" 1 2 }}"#,
    r#"{{ printf "%*d" 5 3 }}"#,
    r#"{{ printf "%.*f" 2 3.14159 }}"#,
    r#"{{ printf "%d %d" 1 }}"#,
    r#"{{ printf "%d" 1 2 }}"#,
    r#"{{ printf "%10.3s|" "abcdef" }}"#,
    r#"{{ printf "%-10s|" "héllo" }}"#,
    r#"{{ printf "%05s" "ab" }}"#,
    r#"{{ printf "%x" -255 }}"#,
    r#"{{ printf "%v" -0.0 }}"#,
    r#"{{ printf "%g" 100000000.0 }}"#,
    r#"{{ printf "%G" 1e-7 }}"#,
    r#"{{ printf "%.3g" 1234.5678 }}"#,
    r#"{{ printf "%#g" 1.0 }}"#,
    r#"{{ printf "%#.3x" 1.0 }}"#,
    r#"{{ printf "%x" 1.0 }}"#,
    r#"{{ printf "%8.3x|" 100.0 }}"#,
    r#"{{ printf "%e" 0.0 }}"#,
    r#"{{ printf "%v" 1e-5 }}"#,
    r#"{{ printf "%v" 0.0001 }}"#,
    r#"{{ printf "%v" 12345678.0 }}"#,
    r#"{{ printf "%6.2v|" 3.14159 }}"#,
    r#"{{ printf "%v" "%" }}"#,
    r#"{{ printf "%%"  }}"#,
    r#"{{ printf "%+q" "héllo\u00ff" }}"#,
    r#"{{ printf "%x" (list 1 2) }}"#,
    r#"{{ printf "%q" (list "a" "b") }}"#,
    r#"{{ $d := dict "b" 2 "a" 1 "c" (list 1 2) }}{{ range $k, $v := $d }}{{$k}}={{$v}};{{ end }}"#,
    r#"{{ range $i, $v := list "x" "y" "z" }}{{ if eq $i 1 }}{{ continue }}{{ end }}{{$i}}{{$v}}{{ end }}"#,
    r#"{{ range $i := list 1 2 3 4 }}{{ if gt $i 2 }}{{ break }}{{ end }}<{{$i}}>{{ end }}"#,
    r#"{{ range 3 }}[{{.}}]{{ end }}{{ range $i, $e := list }}x{{ else }}empty{{ end }}"#,
    r#"a  {{- " b " -}}  c {{- /* comment */ -}} d"#,
    r#"{{ with $x := dict "k" "v" }}{{ $x.k }}{{ .k }}{{ end }}{{ with "" }}no{{ else }}else{{ end }}"#,
    r#"{{ with 0 }}z{{ else with list }}l{{ else with "s" }}{{ . }}{{ end }}"#,
    r#"{{ $x := 1 }}{{ if true }}{{ $x = 2 }}{{ $y := 3 }}{{ end }}{{ $x }}"#,
    r#"{{ and 1 0 "x" }} {{ or 0 "" "y" }}"#,
    r#"{{ not 0 }} {{ not (list) }} {{ not (dict "a" 1) }}"#,
    r#"{{ eq 1 2 3 1 }} {{ ne "a" "b" }} {{ lt 1.5 2.5 }} {{ le "a" "a" }} {{ ge 3 3 }} {{ gt "b" "a" }}"#,
    r#"{{ index (list 1 (list 2 3)) 1 0 }} {{ index (dict "a" (dict "b" "c")) "a" "b" }} {{ index "abc" 1 }}"#,
    r#"{{ slice (list 1 2 3 4) 1 3 }} {{ slice (list 1 2 3) }}"#,
    r#"{{ len "héllo" }} {{ len (list 1 2) }} {{ len (dict) }}"#,
    r#"{{ html "<a href=\"x\">&'</a>" }} {{ js "it's <b> & \"q\" =" }} {{ urlquery "a b&c=d/é" }}"#,
    r#"{{ print 1 2 "a" "b" 3 nil }}|{{ println "x" 1 }}|{{ print }}"#,
    r#"{{ printf "%v %v" (list) (dict) }} {{ print (list nil) (dict "a" nil) }}"#,
    r#"{{ 1.0 }} {{ 1e6 }} {{ 0x10 }} {{ 0o17 }} {{ 1_000 }} {{ 'a' }} {{ -0.5 }} {{ 3.0e-3 }}"#,
    r#"{{ "\u00e9\x41\t|" }} {{ `raw\n` }}"#,
    r#"{{ template "t1" "arg" }}{{ template "t1" }}"#,
    r#"{{ block "blk" "dflt" }}B:{{ . }}{{ end }}"#,
    r#"{{ (list 1 2) }} {{ (dict "a" 1).a }} {{ ((list 1)) }}"#,
    r#"{{ $m := dict "x" (dict "y" "deep") }}{{ $m.x.y }} {{ ($m.x).y }}"#,
    r#"{{- if false }}no{{- else if eq 1 1 -}} yes {{- end -}}"#,
    r#"{{ "a" | printf "%s-%s" "b" }} {{ 3 | printf "%d" }}"#,
    r#"{{ println }}{{ printf "%q" (print "a" "b") }}"#,
    r#"{{ eq nil nil }} {{ eq (index (dict) "missing") nil }}"#,
    r#"{{ $x := list }}{{ if $x }}t{{ else }}f{{ end }}{{ if dict }}t{{ else }}f{{ end }}{{ if 0.0 }}t{{ else }}f{{ end }}"#,
    r#"{{ range $k, $v := dict "z" 1 "a" 2 "m" 3 }}{{ $k }}{{ end }} {{ range dict "b" 1 "a" 2 }}{{ . }}{{ end }}"#,
    r#"{{ printf "%T %T %T %T %T" 1 1.5 "s" true nil }}"#,
    r#"{{ index (list 1 2 3) 0 | printf "%05d" }}"#,
    r#"{{ 1 | and 1 }} {{ 0 | or "" }}"#,
    r#"{{- range $i, $v := list "a" "b" -}}{{- if $i }},{{ end }}{{ $v }}{{- end -}}"#,
    r#"x{{/* c */}}y{{- /* d */ -}} z"#,
];

/// Helpers the cases share (defined at the top level of the chart template).
const DEFINES: &str = r#"{{- define "t1" }}T1[{{ . }}]{{ end }}"#;

/// The chart template: each case as a define, printed as a JSON string.
fn chart_template() -> String {
    let mut t = String::from(DEFINES);
    t.push('\n');
    for (i, case) in CASES.iter().enumerate() {
        t.push_str(&format!("{{{{- define \"s{i}\" }}}}{case}{{{{ end }}}}\n"));
    }
    for i in 0..CASES.len() {
        t.push_str(&format!("c{i}: {{{{ include \"s{i}\" . | toJson }}}}\n"));
    }
    t
}

/// Go's `json.Marshal` of a string (what Helm's `toJson` prints for one).
fn json_string(s: &str) -> String {
    let mut o = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => o.push_str("\\\""),
            '\\' => o.push_str("\\\\"),
            '\n' => o.push_str("\\n"),
            '\r' => o.push_str("\\r"),
            '\t' => o.push_str("\\t"),
            '<' => o.push_str("\\u003c"),
            '>' => o.push_str("\\u003e"),
            '&' => o.push_str("\\u0026"),
            '\u{2028}' => o.push_str("\\u2028"),
            '\u{2029}' => o.push_str("\\u2029"),
            c if (c as u32) < 0x20 => o.push_str(&format!("\\u{:04x}", c as u32)),
            c => o.push(c),
        }
    }
    o.push('"');
    o
}

/// Stand-ins for the few Sprig/Helm functions the cases use.
fn engine() -> TemplateSet {
    let mut m = FuncMap::new();
    let list: Func = Arc::new(|a: &[Value]| Ok(Value::list(a.to_vec())));
    let dict: Func = Arc::new(|a: &[Value]| {
        let d = Dict::new();
        for pair in a.chunks(2) {
            let key = pair[0].as_str().unwrap_or_default();
            d.insert(key, pair.get(1).cloned().unwrap_or_default());
        }
        Ok(Value::Dict(d))
    });
    let to_json: Func =
        Arc::new(|a: &[Value]| Ok(Value::from(json_string(a[0].as_str().unwrap_or_default()))));
    m.insert("list", list);
    m.insert("dict", dict);
    m.insert("toJson", to_json);
    let include: ContextFunc = Arc::new(|ctx: &mut dyn Context, args: &[Value]| {
        let name = args[0].as_str().unwrap_or_default().to_owned();
        ctx.execute_template(&name, &args[1])
            .map(Value::from)
            .map_err(|e| FuncError::Failed(e.to_string()))
    });
    let mut set = TemplateSet::new().with_funcs(m);
    set.add_context_funcs([("include", include)]);
    set
}

#[test]
fn engine_output_matches_helm() {
    let Some(helm) = slipway_testkit::oracle("helm", "the helm differential test") else {
        return;
    };
    let dir = slipway_testkit::ScratchDir::new("template-oracle");
    let template = chart_template();
    dir.write_files([
        (
            "Chart.yaml",
            "apiVersion: v2\nname: oracle\nversion: 0.1.0\n",
        ),
        ("templates/t.yaml", template.as_str()),
    ]);
    let output = Command::new(&helm)
        .args(["template", "x"])
        .arg(dir.path())
        .output()
        .unwrap();
    drop(dir);
    let helm_out = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "helm failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let helm_lines: Vec<&str> = helm_out.lines().filter(|l| l.starts_with('c')).collect();

    let mut set = engine();
    set.parse("t", &template).unwrap();
    let mut ours = String::new();
    set.execute("t", &Value::Nil, &mut ours).unwrap();
    let our_lines: Vec<&str> = ours.lines().filter(|l| l.starts_with('c')).collect();
    assert_eq!(our_lines.len(), CASES.len());
    for (i, (h, o)) in helm_lines.iter().zip(&our_lines).enumerate() {
        assert_eq!(o, h, "case {i}: {}", CASES[i]);
    }
    assert_eq!(helm_lines.len(), our_lines.len());
}
