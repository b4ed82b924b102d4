//! Lexes and parses arbitrary text as a template, with default and custom delimiters: it
//! must return a tree or a ParseError, never panic, hang or overflow the stack.
#![no_main]

use libfuzzer_sys::fuzz_target;
use slipway_template::TemplateSet;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut set = TemplateSet::new();
    if let Ok(t) = set.parse("fuzz", text) {
        // Printing the tree exercises every node's Go String() form.
        let _ = t.tree_string(true);
    }
    let mut custom = TemplateSet::new().delims("<<", ">>");
    let _ = custom.parse("fuzz", text);
});
