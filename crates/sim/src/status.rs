//! Kubernetes `Status` errors, shaped as the real API server returns them.

use serde_json::{Value, json};

use crate::registry::ResourceType;

/// An API error: HTTP code, reason and message, rendered as a `meta/v1` `Status`.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{message}")]
pub struct ApiError {
    /// HTTP status code.
    pub code: u16,
    /// Machine-readable reason (`NotFound`, `Conflict`, ...).
    pub reason: String,
    /// Human-readable message, printed by kubectl after `Error from server (Reason): `.
    pub message: String,
    /// The `details` object, if any.
    pub details: Option<Box<Value>>,
}

impl ApiError {
    /// An error with no details.
    pub fn new(code: u16, reason: &str, message: impl Into<String>) -> Self {
        ApiError {
            code,
            reason: reason.to_string(),
            message: message.into(),
            details: None,
        }
    }

    /// Adds a `details` object.
    pub fn with_details(mut self, details: Value) -> Self {
        self.details = Some(Box::new(details));
        self
    }

    /// `404 NotFound` for a named object.
    pub fn not_found(rt: &ResourceType, name: &str) -> Self {
        ApiError::new(
            404,
            "NotFound",
            format!("{} \"{}\" not found", rt.qualified(), name),
        )
        .with_details(json!({"name": name, "group": rt.group, "kind": rt.resource}))
    }

    /// `409 AlreadyExists` for a named object.
    pub fn already_exists(rt: &ResourceType, name: &str) -> Self {
        ApiError::new(
            409,
            "AlreadyExists",
            format!("{} \"{}\" already exists", rt.qualified(), name),
        )
        .with_details(json!({"name": name, "group": rt.group, "kind": rt.resource}))
    }

    /// `409 Conflict` for a stale resourceVersion.
    pub fn conflict(rt: &ResourceType, name: &str) -> Self {
        ApiError::new(
            409,
            "Conflict",
            format!(
                "Operation cannot be fulfilled on {} \"{}\": the object has been modified; please apply your changes to the latest version and try again",
                rt.qualified(),
                name
            ),
        )
        .with_details(json!({"name": name, "group": rt.group, "kind": rt.resource}))
    }

    /// `422 Invalid` with field causes (`field`, `message`).
    pub fn invalid(rt: &ResourceType, name: &str, causes: &[(String, String)]) -> Self {
        let list: Vec<String> = causes
            .iter()
            .map(|(field, msg)| format!("{field}: {msg}"))
            .collect();
        let message = if list.len() == 1 {
            format!(
                "{} \"{}\" is invalid: {}",
                rt.qualified_kind(),
                name,
                list[0]
            )
        } else {
            format!(
                "{} \"{}\" is invalid: [{}]",
                rt.qualified_kind(),
                name,
                list.join(", ")
            )
        };
        let causes: Vec<Value> = causes
            .iter()
            .map(|(field, msg)| json!({"reason": "FieldValueInvalid", "message": msg, "field": field}))
            .collect();
        ApiError::new(422, "Invalid", message).with_details(
            json!({"name": name, "group": rt.group, "kind": rt.kind, "causes": causes}),
        )
    }

    /// `400 BadRequest`.
    pub fn bad_request(message: impl Into<String>) -> Self {
        ApiError::new(400, "BadRequest", message)
    }

    /// `405 MethodNotAllowed`.
    pub fn method_not_allowed() -> Self {
        ApiError::new(
            405,
            "MethodNotAllowed",
            "the server does not allow this method on the requested resource",
        )
    }

    /// `404` for an unknown path or resource type.
    pub fn no_resource() -> Self {
        ApiError::new(
            404,
            "NotFound",
            "the server could not find the requested resource",
        )
        .with_details(json!({}))
    }

    /// `410 Expired` for a watch or continue token that is too old.
    pub fn expired(message: impl Into<String>) -> Self {
        ApiError::new(410, "Expired", message)
    }

    /// `403 Forbidden` when creating in a terminating namespace.
    pub fn namespace_terminating(rt: &ResourceType, name: &str, namespace: &str) -> Self {
        ApiError::new(
            403,
            "Forbidden",
            format!(
                "{} \"{}\" is forbidden: unable to create new content in namespace {} because it is being terminated",
                rt.qualified(),
                name,
                namespace
            ),
        )
        .with_details(json!({
            "name": name, "group": rt.group, "kind": rt.resource,
            "causes": [{"reason": "NamespaceTerminating", "message": format!("namespace {namespace} is being terminated"), "field": "metadata.namespace"}]
        }))
    }

    /// The `Status` object.
    pub fn to_status(&self) -> Value {
        let mut status = json!({
            "kind": "Status",
            "apiVersion": "v1",
            "metadata": {},
            "status": "Failure",
            "message": self.message,
            "reason": self.reason,
        });
        if let Some(details) = &self.details {
            status["details"] = details.as_ref().clone();
        }
        status["code"] = json!(self.code);
        status
    }
}

/// A successful `Status` (returned by some deletes).
pub fn success_status(rt: &ResourceType, name: &str, uid: &str) -> Value {
    json!({
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Success",
        "details": {"name": name, "group": rt.group, "kind": rt.resource, "uid": uid},
    })
}
