//! A file field's context (`type = "file"`): its routes, limits and how rows show it.

use serde::Serialize;

use super::client_method::ClientMethod;
use crate::names::Names;
use crate::spec::{Field, FieldWrite, Resource, Spec};

#[derive(Debug, Serialize)]
pub struct FileContext {
    pub names: Names,
    /// The largest upload, in bytes.
    pub max_size: u64,
    /// The media types an upload may have.
    pub content_types: Vec<String>,
    /// Some callers may not see it (`read`): its download is a 404 to them.
    pub read_guarded: bool,
    /// Some callers who may write the row may not write it (`write`).
    pub write_guarded: bool,
    /// Its route below a row's, with the API prefix: `/v1/products/{id}/image`.
    pub path: String,
    /// The constant that holds its limits in the resource's module (`IMAGE`).
    pub limits_const: String,
}

impl FileContext {
    pub(super) fn new(spec: &Spec, r: &Resource, f: &Field) -> Option<Self> {
        let rules = f.ty.file()?;
        Some(Self {
            names: f.names.clone(),
            max_size: rules.max_size,
            content_types: rules.content_types.clone(),
            read_guarded: f.access.read.is_some(),
            write_guarded: f.access.write != FieldWrite::Row,
            path: format!(
                "{}/{}/{{id}}/{}",
                spec.project.api_prefix, r.names.plural_kebab, f.names.kebab
            ),
            limits_const: f.names.upper.clone(),
        })
    }
}

/// The file field the generated tests upload to (`tests/api/stored_files.rs`): the first of
/// the first resource that has one whose types the tests can draw bytes of.
#[derive(Debug, Serialize)]
pub struct FileTest {
    /// The resource's path, and the common test module's function that makes a row of it.
    pub url: String,
    pub create: String,
    /// The resource's module and the constant of the file's limits in it (`photos`, `IMAGE`).
    pub module: String,
    pub limits_const: String,
    /// The file's route below a row, and its JSON key.
    pub segment: String,
    pub key: String,
    pub max_size: u64,
    /// Whether the tests send exactly `max_size` bytes, and one more (a limit of a few MB at
    /// most: a larger one is checked by its announced length only).
    pub sent_whole: bool,
    /// An accepted type, and the first bytes of a file of it, as a Rust byte string.
    pub content_type: String,
    pub sample: String,
    /// Bytes of another type sent as `content_type`, which the signature check refuses;
    /// `None` when the field takes any bytes.
    pub foreign: Option<String>,
    /// A type the field does not accept, `None` when it takes any.
    pub unlisted: Option<String>,
    /// The first bytes of a file of `content_type`, as numbers (the TypeScript test's).
    pub sample_bytes: Vec<u8>,
    /// The resource's snake name.
    pub resource: String,
    /// The clients' methods of the file's routes (`uploadBookCover`, `upload_book_cover`).
    pub upload: ClientMethod,
    pub download: ClientMethod,
    pub remove: ClientMethod,
}

/// What may go to the store in a test: the largest file the tests send whole.
const SENT_WHOLE: u64 = 4_000_000;

/// The type that takes any file.
const ANY: &str = "application/octet-stream";

/// First bytes that `infer` (the service's signature check) reads as each type.
const SIGNATURES: &[(&str, &[u8])] = &[
    ("image/png", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"),
    ("image/jpeg", b"\xff\xd8\xff\xe0\0\x10JFIF\0"),
    ("image/gif", b"GIF89a"),
    ("image/webp", b"RIFF\x24\0\0\0WEBPVP8 "),
    ("image/bmp", b"BM\x36\0\0\0\0\0\0\0\x36\0\0\0\x28\0"),
    ("application/pdf", b"%PDF-1.7\n"),
    ("application/zip", b"PK\x03\x04\x14\0\0\0"),
    ("audio/mpeg", b"ID3\x04\0\0\0\0\0\0"),
    ("video/mp4", b"\0\0\0\x18ftypmp42\0\0\0\0"),
];

/// Types that have no signature, whose files are any text.
const TEXTUAL: &[&str] = &[
    "text/plain",
    "text/csv",
    "text/markdown",
    "application/json",
    ANY,
];

/// The first bytes of a file of `content_type`, if the tests know them.
fn sample(content_type: &str) -> Option<&'static [u8]> {
    SIGNATURES
        .iter()
        .find(|(known, _)| *known == content_type)
        .map(|(_, bytes)| *bytes)
        .or_else(|| {
            TEXTUAL
                .contains(&content_type)
                .then_some(&b"sample text\n"[..])
        })
}

/// `bytes` as a Rust byte string literal.
pub(super) fn byte_string(bytes: &[u8]) -> String {
    let escaped: String = bytes
        .iter()
        .flat_map(|b| std::ascii::escape_default(*b))
        .map(char::from)
        .collect();
    format!("b\"{escaped}\"")
}

/// The first type the file field `f` accepts whose first bytes the tests know, and those bytes.
pub(super) fn accepted_sample(f: &Field) -> Option<(String, &'static [u8])> {
    f.ty.file()?
        .content_types
        .iter()
        .find_map(|t| sample(t).map(|bytes| (t.clone(), bytes)))
}

impl FileTest {
    /// The first file field the tests know a sample of: a per-tenant resource's if any, the
    /// path with more to get wrong (the sweep must keep every tenant's files).
    pub(super) fn first(spec: &Spec) -> Option<Self> {
        let (per_tenant, shared): (Vec<&Resource>, Vec<&Resource>) =
            spec.resources.iter().partition(|r| spec.is_per_tenant(r));
        per_tenant.into_iter().chain(shared).find_map(|r| {
            r.files().find_map(|f| {
                let rules = f.ty.file()?;
                let (content_type, bytes) = accepted_sample(f)?;
                let any = rules.content_types.iter().any(|t| t == ANY);
                // The operation's id (`describe.rs`), as each client names its method.
                let method = |verb: &str| {
                    ClientMethod::of(format!("{verb}{}{}", r.names.pascal, f.names.pascal))
                };
                let foreign = if content_type == "image/jpeg" {
                    "image/png"
                } else {
                    "image/jpeg"
                };
                Some(Self {
                    url: format!("{}/{}", spec.project.api_prefix, r.names.plural_kebab),
                    create: format!("create_{}", r.names.snake),
                    module: r.names.module.clone(),
                    limits_const: f.names.upper.clone(),
                    segment: f.names.kebab.clone(),
                    key: f.names.camel.clone(),
                    max_size: rules.max_size,
                    sent_whole: rules.max_size <= SENT_WHOLE,
                    content_type,
                    sample: byte_string(bytes),
                    foreign: (!any).then(|| byte_string(sample(foreign).unwrap_or_default())),
                    unlisted: (!any).then(|| "application/x-not-listed".to_owned()),
                    sample_bytes: bytes.to_vec(),
                    resource: r.names.snake.clone(),
                    upload: method("upload"),
                    download: method("download"),
                    remove: method("remove"),
                })
            })
        })
    }
}
