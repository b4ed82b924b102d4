//! Go text/template for slipway: lexer, parser and executor with Go's semantics and error messages
