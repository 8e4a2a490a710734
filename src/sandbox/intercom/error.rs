//! Intercom's error responses: an HTTP status and an `error.list` body.

use serde_json::{Value, json};

/// One failed request, as Intercom reports it: a status and one error with a code, a message and
/// sometimes the offending field. Rendered as
/// `{"type":"error.list","request_id":…,"errors":[{"code","message","field"?}]}`.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct ApiError {
    /// The HTTP status.
    pub status: u16,
    /// Intercom's error code (`not_found`, `parameter_invalid`, …).
    pub code: &'static str,
    /// The human-readable message.
    pub message: String,
    /// The request field at fault, when there is one.
    pub field: Option<String>,
}

/// The result of an endpoint: a JSON body (or none, for the empty 200 of `DELETE /tags/{id}`).
pub(crate) type ApiResult = Result<Option<Value>, ApiError>;

impl ApiError {
    /// An error with any status and code.
    pub(crate) fn new(status: u16, code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError { status, code, message: message.into(), field: None }
    }

    /// Names the request field at fault.
    pub(crate) fn with_field(mut self, field: &str) -> ApiError {
        self.field = Some(field.to_string());
        self
    }

    /// 400 `parameter_invalid`.
    pub(crate) fn invalid(message: impl Into<String>) -> ApiError {
        ApiError::new(400, "parameter_invalid", message)
    }

    /// 400 `parameter_not_found`: a required parameter is missing.
    pub(crate) fn missing(message: impl Into<String>) -> ApiError {
        ApiError::new(400, "parameter_not_found", message)
    }

    /// 404 with a code and message.
    pub(crate) fn not_found(code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError::new(404, code, message)
    }

    /// 404 `not_found` "User Not Found": an unknown contact.
    pub(crate) fn user_not_found() -> ApiError {
        ApiError::not_found("not_found", "User Not Found")
    }

    /// 404 `not_found` "Resource Not Found": an unknown object or path.
    pub(crate) fn resource_not_found() -> ApiError {
        ApiError::not_found("not_found", "Resource Not Found")
    }

    /// 404 `admin_not_found`.
    pub(crate) fn admin_not_found() -> ApiError {
        ApiError::not_found("admin_not_found", "Admin not found")
    }

    /// The `error.list` body, with `request_id`.
    pub(crate) fn body(&self, request_id: &str) -> Value {
        let mut error = json!({ "code": self.code, "message": self.message });
        if let Some(field) = &self.field {
            error["field"] = json!(field);
        }
        json!({ "type": "error.list", "request_id": request_id, "errors": [error] })
    }
}
