//! werf-compatible secret values and files, and slipway's authenticated secret format
