//! Build script of the `slipway` executable.
//!
//! On Linux the executable is linked position-dependent (`-no-pie`), as Go links `helm` and
//! `kubectl`. A position-independent executable this size carries ~37,000 relative
//! relocations that the dynamic loader applies, page by page, on every start; that was a third
//! of the run time of a short command such as `slipway render`. Libraries and test binaries are
//! untouched (`rustc-link-arg-bins` reaches only the `[[bin]]` targets).

fn main() {
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux") {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
    println!("cargo:rerun-if-changed=build.rs");
}
