//! YAML as Helm sees it: yaml.v2 / sigs.k8s.io/yaml parsing and emitting, exact to the byte
