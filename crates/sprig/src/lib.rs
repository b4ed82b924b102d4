//! Sprig v3 template functions with Go's exact behaviour
