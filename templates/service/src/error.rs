//! The one error type of the service and the error body every failure is answered with:
//! `{"error": {"code", "message", "details"?, "requestId"}}`.

use axum::{
    Json,
    http::StatusCode,
    response::{IntoResponse, Response},
};
use serde::Serialize;
use sqlx::error::ErrorKind;

use crate::{db, telemetry};

/// One problem with one field of a request (a body key or a query parameter).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ErrorDetail {
    pub field: String,
    pub message: String,
}

impl ErrorDetail {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("{message}")]
    BadRequest {
        message: String,
        details: Vec<ErrorDetail>,
    },
    #[error("the requested resource was not found")]
    NotFound,
    #[error("the method is not allowed on this path")]
    MethodNotAllowed,
    #[error("{message}")]
    Conflict {
        message: String,
        details: Vec<ErrorDetail>,
    },
    #[error("the resource was changed by another request; fetch it again and retry")]
    VersionConflict,
    #[error("the resource does not match `If-Match`; fetch it again and retry")]
    PreconditionFailed,
    #[error("the request body is too large")]
    PayloadTooLarge,
    #[error("the request body must be `application/json`")]
    UnsupportedMediaType,
    #[error("invalid request body")]
    Validation(Vec<ErrorDetail>),
    #[error("the service is temporarily unavailable")]
    Unavailable(#[source] sqlx::Error),
    #[error("the request took too long")]
    Timeout,
    #[error("too many requests; retry after the time in `Retry-After`")]
    RateLimited,
    #[error("an internal error occurred")]
    Internal(#[source] sqlx::Error),
}

impl AppError {
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::BadRequest {
            message: message.into(),
            details: Vec::new(),
        }
    }

    /// A 409 naming the fields whose values another row already holds.
    pub fn taken(fields: &[&str]) -> Self {
        Self::Conflict {
            message: "a record with the same value already exists".to_owned(),
            details: fields
                .iter()
                .map(|field| ErrorDetail::new(*field, "is already taken"))
                .collect(),
        }
    }

    /// A 400 about one field, e.g. a JSON value of the wrong type or a bad query parameter.
    pub fn bad_field(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::BadRequest {
            message: "invalid request".to_owned(),
            details: vec![ErrorDetail::new(field, message)],
        }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            Self::BadRequest { .. } => StatusCode::BAD_REQUEST,
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Self::Conflict { .. } | Self::VersionConflict => StatusCode::CONFLICT,
            Self::PreconditionFailed => StatusCode::PRECONDITION_FAILED,
            Self::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::Unavailable(_) | Self::Timeout => StatusCode::SERVICE_UNAVAILABLE,
            Self::RateLimited => StatusCode::TOO_MANY_REQUESTS,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            Self::BadRequest { .. } => "BAD_REQUEST",
            Self::NotFound => "NOT_FOUND",
            Self::MethodNotAllowed => "METHOD_NOT_ALLOWED",
            Self::Conflict { .. } => "CONFLICT",
            Self::VersionConflict => "VERSION_CONFLICT",
            Self::PreconditionFailed => "PRECONDITION_FAILED",
            Self::PayloadTooLarge => "PAYLOAD_TOO_LARGE",
            Self::UnsupportedMediaType => "UNSUPPORTED_MEDIA_TYPE",
            Self::Validation(_) => "VALIDATION_ERROR",
            Self::Unavailable(_) | Self::Timeout => "SERVICE_UNAVAILABLE",
            Self::RateLimited => "RATE_LIMITED",
            Self::Internal(_) => "INTERNAL_ERROR",
        }
    }

    fn details(&self) -> &[ErrorDetail] {
        match self {
            Self::BadRequest { details, .. }
            | Self::Conflict { details, .. }
            | Self::Validation(details) => details,
            _ => &[],
        }
    }
}

impl From<sqlx::Error> for AppError {
    fn from(err: sqlx::Error) -> Self {
        let db_err = match &err {
            sqlx::Error::RowNotFound => return Self::NotFound,
            sqlx::Error::PoolTimedOut => return Self::Unavailable(err),
            sqlx::Error::Database(db_err) => db_err,
            _ => return Self::Internal(err),
        };
        if db_err.kind() == ErrorKind::UniqueViolation {
            // Repos name the fields (see `taken`); this is the fallback.
            Self::taken(&[])
        } else if db::is_foreign_key_violation(db_err.as_ref()) {
            // Writes check their references first (naming the field, with a 422), so what
            // reaches here is a delete blocked by an `ON DELETE RESTRICT` reference, or a race.
            Self::Conflict {
                message: "the record is referenced by other records".to_owned(),
                details: Vec::new(),
            }
        } else {
            Self::Internal(err)
        }
    }
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    error: ErrorPayload<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ErrorPayload<'a> {
    code: &'static str,
    message: String,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    details: &'a [ErrorDetail],
    request_id: Option<String>,
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        if let Self::Internal(cause) | Self::Unavailable(cause) = &self {
            // The cause is for operators only; clients get the generic message.
            tracing::error!(error = %cause, code = self.code(), "request failed");
        }
        let body = ErrorBody {
            error: ErrorPayload {
                code: self.code(),
                message: self.to_string(),
                details: self.details(),
                request_id: telemetry::current_request_id(),
            },
        };
        (self.status(), Json(body)).into_response()
    }
}
