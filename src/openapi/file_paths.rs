//! The routes of file fields (`PUT`, `GET` and `DELETE {row}/{field}`): binary bodies of the
//! declared types and size, and the answers of their checks (docs/decisions/files.md).

use serde_json::{Map, Value, json};

use super::builder::Builder;
use super::shared::*;
use crate::context::{FileContext, ResourceContext};
use crate::operations::{Action, Group, Kind, Operation};
use crate::spec::routes::FileAction;

/// The description of a stored file, which a row shows for each of its file fields.
pub(super) const STORED_FILE: &str = "StoredFile";

/// The schema of [`STORED_FILE`].
pub(super) fn stored_file_schema() -> Value {
    json!({
        "type": "object",
        "description": "A file's description: its bytes are at `url` (`GET`; `PUT` replaces them, `DELETE` removes them).",
        "properties": {
            "url": {"type": "string", "maxLength": 2048, "description": "The file's route on this service."},
            "id": {"type": "string", "format": "uuid", "description": "This upload's id: a replacement gets another."},
            "contentType": {"type": "string", "maxLength": 255},
            "size": {"type": "integer", "format": "int64", "minimum": 1, "maximum": crate::spec::FileRules::MAX_SIZE, "description": "Bytes."},
            "sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$", "maxLength": 64, "description": "The bytes' SHA-256 in hex: the download's `ETag`."},
            "storedAt": {"type": "string", "format": "date-time"}
        },
        "required": ["url", "id", "contentType", "size", "sha256", "storedAt"],
        "additionalProperties": false
    })
}

/// A file field in its row's representation: the description, or null before an upload.
pub(super) fn file_property(f: &FileContext) -> Value {
    json!({
        "anyOf": [schema_ref(STORED_FILE), {"type": "null"}],
        "readOnly": true,
        "description": format!(
            "Null until a file is uploaded with `PUT {}`: at most {} bytes, of type {}. No body writes it.",
            f.path, f.max_size, f.content_types.join(", ")
        )
    })
}

/// A file's `ETag`: its SHA-256 in hex, quoted (a row's is shorter: the shared header).
fn file_etag() -> Value {
    json!({
        "description": "The bytes' SHA-256 in hex, quoted: a strong validator.",
        "schema": {"type": "string", "pattern": "^\"[0-9a-f]{64}\"$", "maxLength": 66}
    })
}

/// An error answer whose description is the file route's own.
fn file_error(description: String) -> Value {
    json!({
        "description": description,
        "headers": headers(&[]),
        "content": {"application/json": {"schema": schema_ref("Error")}}
    })
}

/// A write of a file's answers: the row (`what`, of schema `name`), the refusals of every
/// conditional write of a row, and `refusals` in status order.
fn row_answers(what: &str, name: &str, refusals: Vec<(&'static str, Value)>) -> Value {
    let mut answers = vec![
        ("200", ok_json(what, name, &["ETag"])),
        ("400", error("BadRequest")),
        ("404", error("NotFound")),
        ("412", error("PreconditionFailed")),
    ];
    answers.extend(refusals);
    answers.extend([
        ("500", error("InternalError")),
        ("503", error("ServiceUnavailable")),
    ]);
    responses(answers)
}

/// The bytes of a file of `f`, in each of its types.
fn binary(f: &FileContext) -> Value {
    let schema = json!({"type": "string", "format": "binary", "maxLength": f.max_size});
    let content: Map<String, Value> = f
        .content_types
        .iter()
        .map(|t| (t.clone(), json!({"schema": schema.clone()})))
        .collect();
    Value::Object(content)
}

impl Builder<'_> {
    pub(super) fn file_operation(&self, op: &Operation, mut base: Map<String, Value>) -> Value {
        let (Group::Resource(snake), Kind::File { field, action, .. }) = (&op.group, &op.kind)
        else {
            return Value::Object(base);
        };
        let Some(r) = self.resource(snake) else {
            return Value::Object(base);
        };
        let Some(f) = r.files.iter().find(|f| f.names.snake == *field) else {
            return Value::Object(base);
        };
        let name = schema_name(r);
        let (description, access) = match action {
            FileAction::Upload => {
                base.insert("parameters".into(), json!([param_ref("IfMatch")]));
                base.insert(
                    "requestBody".into(),
                    json!({
                        "required": true,
                        "description": format!("The file's raw bytes (not multipart), at most {} bytes, with its `Content-Type`.", f.max_size),
                        "content": binary(f)
                    }),
                );
                let refusals = vec![
                    (
                        "413",
                        file_error(format!(
                            "The file is over {} bytes (announced by `Content-Length`, or counted as it streams): `PAYLOAD_TOO_LARGE`; nothing is kept.",
                            f.max_size
                        )),
                    ),
                    (
                        "415",
                        file_error(format!(
                            "The `Content-Type`, or the type the bytes' signature shows, is not one of {}: `UNSUPPORTED_MEDIA_TYPE`, naming the field.",
                            f.content_types.join(", ")
                        )),
                    ),
                    (
                        "422",
                        file_error(
                            "The body is empty: `VALIDATION_ERROR`, naming the field.".into(),
                        ),
                    ),
                ];
                base.insert(
                    "responses".into(),
                    row_answers("The row, naming the new file.", &name, refusals),
                );
                (
                    "Streams the bytes into the file store, then names them in the row in one write that moves its `ETag`; the file it replaces is deleted once that write commits. Conditional: with `If-Match`, 412 when the row changed since.",
                    Action::Update,
                )
            }
            FileAction::Download => {
                base.insert(
                    "parameters".into(),
                    json!([
                        param_ref("IfNoneMatch"),
                        {
                            "name": "Range",
                            "in": "header",
                            "required": false,
                            "description": "One `bytes` range (`bytes=0-99`, `bytes=100-`, `bytes=-100`): 206 with those bytes. Several ranges, or another unit, get the whole file.",
                            "schema": {"type": "string", "maxLength": 256}
                        }
                    ]),
                );
                let mut whole = json!({
                    "description": "The file's bytes, with `Content-Disposition` (`inline` for images but SVG, PDF and plain text, else `attachment`) and a sandboxing `Content-Security-Policy`.",
                    "headers": headers(&[]),
                    "content": binary(f)
                });
                whole["headers"]["ETag"] = file_etag();
                let mut part = whole.clone();
                part["description"] =
                    json!("The bytes of the range asked for, with `Content-Range`.");
                part["headers"]["Content-Range"] = json!({"schema": {"type": "string", "maxLength": 128}, "description": "`bytes first-last/size`."});
                whole["headers"]["Accept-Ranges"] =
                    json!({"schema": {"type": "string", "enum": ["bytes"]}});
                base.insert(
                    "responses".into(),
                    responses(vec![
                        ("200", whole),
                        ("206", part),
                        ("307", {
                            let mut elsewhere = no_content("On an S3 store with `FILES_PRESIGN_SECONDS` set: the bytes are at `Location`, a URL signed for this file that lives that many seconds; the bucket serves ranges, the type and the disposition.");
                            elsewhere["headers"]["Location"] = json!({"schema": {"type": "string", "format": "uri", "maxLength": 4096}, "description": "The presigned URL."});
                            elsewhere
                        }),
                        ("304", {
                            let mut current = no_content("`If-None-Match` lists the file's `ETag`: the client's copy is current.");
                            current["headers"]["ETag"] = file_etag();
                            current
                        }),
                        ("400", error("BadRequest")),
                        ("404", file_error("No such row, none the caller may read, no file in it, or a field the caller may not see: `NOT_FOUND`.".into())),
                        ("416", file_error("The range starts past the file's end: `RANGE_NOT_SATISFIABLE`, with `Content-Range: bytes */size`.".into())),
                        ("500", error("InternalError")),
                        ("503", error("ServiceUnavailable")),
                    ]),
                );
                (
                    "The file's bytes, to a caller who may read the row and the field. `ETag` is the bytes' SHA-256: `If-None-Match` answers 304.",
                    Action::Read,
                )
            }
            FileAction::Remove => {
                base.insert("parameters".into(), json!([param_ref("IfMatch")]));
                base.insert(
                    "responses".into(),
                    row_answers("The row, naming no file.", &name, Vec::new()),
                );
                (
                    "The row names no file any more; the file is deleted once that write commits. Conditional: with `If-Match`, 412 when the row changed since.",
                    Action::Update,
                )
            }
        };
        base.insert("description".into(), json!(description));
        self.guard(&mut base, r, access);
        Value::Object(base)
    }
}

/// Whether some resource has a file field (the document then describes [`STORED_FILE`]).
pub(super) fn has_files(resources: &[ResourceContext]) -> bool {
    resources.iter().any(|r| !r.files.is_empty())
}
