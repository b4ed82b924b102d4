//! Robustness: the parsers of user input never panic, whatever the text.

use proptest::prelude::*;
use slipway_chart::{KubeVersion, ignore, slug, strvals, values};
use slipway_value::Dict;

/// Text biased towards the characters the parsers care about.
fn input() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            Just('='),
            Just(','),
            Just('.'),
            Just('['),
            Just(']'),
            Just('{'),
            Just('}'),
            Just('\\'),
            Just('"'),
            Just('-'),
            Just('*'),
            Just('?'),
            Just('^'),
            Just('/'),
            Just('0'),
            Just('9'),
            Just('a'),
            Just('n'),
            Just(' '),
            Just('\n'),
            Just(':'),
            any::<char>(),
        ],
        0..40,
    )
    .prop_map(|cs| cs.into_iter().collect())
}

proptest! {
    #[test]
    fn set_parsers(s in input(), t in input()) {
        let d = Dict::new();
        let _ = strvals::parse_into(&s, &d);
        let _ = strvals::parse_into(&t, &d);
        let _ = strvals::parse_into_string(&s, &d);
        let _ = strvals::parse_json(&s, &Dict::new());
        let _ = strvals::parse_literal_into(&s, &d);
        let mut reader = |p: &str| Ok(slipway_value::Value::string(p));
        let _ = strvals::parse_into_file(&t, &d, &mut reader);
    }

    #[test]
    fn globs_and_ignore_rules(p in input(), n in input()) {
        let _ = ignore::go_match(&p, &n);
        if let Ok(rules) = ignore::Rules::parse(&p) {
            let _ = rules.ignore(&n, false);
            let _ = rules.ignore(&n, true);
        }
    }

    #[test]
    fn values_versions_slugs(s in input()) {
        let _ = values::read_values(s.as_bytes());
        let _ = KubeVersion::parse(&s);
        let _ = slug::helm_release(&s);
        let _ = slug::kubernetes_namespace(&s);
        let _ = slug::limited_slug(&s, 3);
    }
}
