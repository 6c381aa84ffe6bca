//! What the TypeScript client's generated test (`clients/typescript/test/client.test.ts`)
//! does against a running service: an account's sign-up, verification, sign-in, refresh and
//! sign-out, and a resource's create, list, conditional patch and delete.

use serde::Serialize;

use super::ResourceContext;
use super::client_method::ClientMethod;
use super::test_rows::test_rows;
use crate::operations::operations;
use crate::spec::routes::{AuthAction, Kind};
use crate::spec::{AuthMode, FieldWrite, Spec};

/// Rows of its resource the test makes: three to list, one made twice with one
/// `Idempotency-Key`.
const BODIES: usize = 4;

/// The first sample the test's bodies take: the last samples, which the other tests of a
/// running service leave alone (the end-to-end tests make rows of the first ones), so a
/// unique field's value is free. The patch takes the one after the bodies, the account's
/// registration the last.
const FIRST: usize = crate::samples::COUNT - BODIES - 2;

#[derive(Debug, Default, Serialize)]
pub struct ClientTestContext {
    /// The resource whose rows it makes, and its operations' ids.
    pub resource: Option<ClientResource>,
    /// With jwt: the account's flow.
    pub account: Option<ClientAccount>,
    /// The resource of the first file field (the generated tests' `tests.file`), when its rows
    /// need no parent: the TypeScript test makes one to upload to.
    pub file: Option<ClientFileRow>,
}

#[derive(Debug, Serialize)]
pub struct ClientFileRow {
    pub create: ClientMethod,
    /// A create body (JSON) of the last sample, which no other client test takes.
    pub body: String,
}

#[derive(Debug, Serialize)]
pub struct ClientResource {
    pub words: String,
    /// The resource's snake name (the tests' `body_for_…`).
    pub snake: String,
    pub list: ClientMethod,
    pub create: ClientMethod,
    pub read: ClientMethod,
    pub update: ClientMethod,
    pub delete: ClientMethod,
    /// Create bodies (JSON) of the last samples (`FIRST`).
    pub bodies: Vec<String>,
    /// A patch body: another sample, without the keys set on create only.
    pub patch: String,
}

#[derive(Debug, Serialize)]
pub struct ClientAccount {
    /// The account's own keys of a registration (JSON, an object without its braces'
    /// email and password, which the test adds).
    pub fields: String,
    pub password: String,
    /// The service mails a link to verify a new account's email.
    pub verify: bool,
    /// The service answers a registration 202 with no body.
    pub quiet: bool,
}

impl ClientTestContext {
    pub(super) fn new(spec: &Spec, resources: &[ResourceContext]) -> Self {
        let jwt = spec.auth.mode == AuthMode::Jwt;
        let account = spec
            .resources
            .iter()
            .zip(resources)
            .find(|(r, _)| jwt && spec.has_accounts() && spec.is_account(r))
            .map(|(_, context)| ClientAccount {
                fields: pairs(
                    context,
                    crate::samples::COUNT - 1,
                    &registration_left_out(spec),
                ),
                password: super::auth::sample_password(spec.auth.password_min_length),
                verify: operations(spec)
                    .iter()
                    .any(|op| op.kind == Kind::Auth(AuthAction::Verify)),
                quiet: spec.auth.registration == crate::spec::Registration::Quiet,
            });
        Self {
            resource: client_resource(spec, resources),
            account,
            file: file_row(spec, resources),
        }
    }
}

/// The first resource with no required parent, not the accounts, with room for the test's
/// rows and every operation it calls.
fn client_resource(spec: &Spec, resources: &[ResourceContext]) -> Option<ClientResource> {
    let ops = operations(spec);
    let id_of = |wanted: &dyn Fn(&Kind) -> bool| -> Option<ClientMethod> {
        ops.iter()
            .find(|op| wanted(&op.kind))
            .map(|op| ClientMethod::of(op.id.clone()))
    };
    spec.resources
        .iter()
        .zip(resources)
        .filter(|(r, _)| !spec.is_account(r) && r.belongs_to.iter().all(|b| !b.required))
        .filter(|(r, _)| test_rows(spec, r) == crate::samples::COUNT)
        .find_map(|(r, context)| {
            let snake = r.names.snake.as_str();
            let is = |kind: &Kind, action: &str| match (kind, action) {
                (Kind::List { resource }, "list")
                | (Kind::Create { resource }, "create")
                | (Kind::Read { resource }, "read")
                | (Kind::Patch { resource }, "update")
                | (Kind::Delete { resource }, "delete") => resource == snake,
                _ => false,
            };
            let set_once: Vec<&str> = r
                .fields
                .iter()
                .filter(|f| f.access.write == FieldWrite::Create)
                .map(|f| f.names.camel.as_str())
                .collect();
            Some(ClientResource {
                words: context.names.words.clone(),
                snake: r.names.snake.clone(),
                list: id_of(&|k| is(k, "list"))?,
                create: id_of(&|k| is(k, "create"))?,
                read: id_of(&|k| is(k, "read"))?,
                update: id_of(&|k| is(k, "update"))?,
                delete: id_of(&|k| is(k, "delete"))?,
                bodies: (FIRST..FIRST + BODIES)
                    .map(|i| format!("{{{}}}", pairs::<&str>(context, i, &[])))
                    .collect(),
                patch: format!("{{{}}}", pairs(context, FIRST + BODIES, &set_once)),
            })
        })
}

/// The row the TypeScript test uploads a file to: of the first file field's resource (the
/// one `tests.file` tests), when it needs no parent.
fn file_row(spec: &Spec, resources: &[ResourceContext]) -> Option<ClientFileRow> {
    let file = super::files::FileTest::first(spec)?;
    let (r, context) = spec
        .resources
        .iter()
        .zip(resources)
        .find(|(r, _)| r.names.snake == file.resource)?;
    if r.belongs_to.iter().any(|b| b.required)
        || spec.is_account(r)
        || test_rows(spec, r) < crate::samples::COUNT
    {
        return None;
    }
    let create = operations(spec)
        .into_iter()
        .find(|op| matches!(&op.kind, Kind::Create { resource } if *resource == file.resource))?;
    Some(ClientFileRow {
        create: ClientMethod::of(create.id),
        body: format!(
            "{{{}}}",
            pairs::<&str>(context, crate::samples::COUNT - 1, &[])
        ),
    })
}

/// The keys a registration body of the test leaves out: those a registrant may not write,
/// and the email and password, which the test sets.
fn registration_left_out(spec: &Spec) -> Vec<String> {
    let mut keys = super::auth::registrant_unwritable(spec);
    keys.extend(["email".to_owned(), "password".to_owned()]);
    keys
}

/// The key-value pairs of a resource's `i`-th sample body, but `left_out`'s.
fn pairs<S: AsRef<str>>(r: &ResourceContext, i: usize, left_out: &[S]) -> String {
    let pairs: Vec<String> = r
        .fields
        .iter()
        .filter(|f| !f.write_never && !left_out.iter().any(|key| key.as_ref() == f.names.camel))
        .map(|f| format!("{:?}: {}", f.names.camel, f.samples[i]))
        .collect();
    pairs.join(", ")
}
