//! The deploy engine: converge, plan, dismiss, Helm-compatible release storage, hooks, tracking
