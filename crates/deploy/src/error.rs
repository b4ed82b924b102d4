//! The error type of the deploy engine.

/// Everything that can go wrong in a deploy, plan, dismiss or release operation.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The kubeconfig could not be read or has no usable context.
    #[error("kubeconfig: {0}")]
    Kubeconfig(String),
    /// A request to the Kubernetes API failed.
    #[error("{context}: {source}")]
    Kube {
        /// What was being done.
        context: String,
        /// The client error.
        #[source]
        source: Box<kube::Error>,
    },
    /// A kind is not served by the cluster.
    #[error("resource kind {0} is not served by the cluster (is its CRD installed?)")]
    UnknownKind(String),
    /// A manifest could not be parsed or is not a Kubernetes object.
    #[error("manifest {source_path}: {message}")]
    Manifest {
        /// Template path the manifest came from.
        source_path: String,
        /// What is wrong.
        message: String,
    },
    /// `werf.io/deploy-dependency-*` annotations that cannot be satisfied.
    #[error("deploy dependencies: {0}")]
    Dependency(String),
    /// An annotation has a value that cannot be used.
    #[error("{resource}: invalid value {value:?} for annotation {annotation}: {message}")]
    Annotation {
        /// `Kind/name` of the resource.
        resource: String,
        /// The annotation key.
        annotation: String,
        /// The bad value.
        value: String,
        /// Why it is bad.
        message: String,
    },
    /// A release record could not be encoded or decoded.
    #[error("release record: {0}")]
    Release(String),
    /// There is no such release or revision.
    #[error("release {0}: not found")]
    ReleaseNotFound(String),
    /// The release lock could not be taken or was lost.
    #[error("release lock: {0}")]
    Lock(String),
    /// A resource failed while being tracked, or tracking timed out.
    #[error("{0}")]
    Tracking(String),
    /// Manifest validation failed in strict mode.
    #[error("validation failed:\n{0}")]
    Validation(String),
    /// Bad options given by the caller.
    #[error("{0}")]
    Invalid(String),
}

impl Error {
    /// Wraps a kube client error with what was being done.
    pub fn kube(context: impl Into<String>, source: kube::Error) -> Self {
        Self::Kube {
            context: context.into(),
            source: Box::new(source),
        }
    }

    /// True when the API answered 404 Not Found.
    pub fn is_not_found(&self) -> bool {
        self.status_code() == Some(404)
    }

    /// True when the API answered 409 Conflict (already exists / stale resourceVersion).
    pub fn is_conflict(&self) -> bool {
        self.status_code() == Some(409)
    }

    /// The HTTP status code of an API error.
    pub fn status_code(&self) -> Option<u16> {
        match self {
            Self::Kube { source, .. } => match source.as_ref() {
                kube::Error::Api(status) => Some(status.code),
                _ => None,
            },
            _ => None,
        }
    }
}
