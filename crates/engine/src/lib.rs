//! Helm's rendering engine: template functions, chart rendering, manifest sorting and output
