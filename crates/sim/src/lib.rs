//! A simulated Kubernetes API server with controllers and a kubelet, for tests and rehearsals
