//! Helm charts: loading, dependencies, values sources, --set parsing, coalescing, werf project settings
