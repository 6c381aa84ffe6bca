use serde_json::json;

use super::{Names, operations, path_params, set_once};

#[test]
fn path_parameters_are_read_in_order() {
    assert_eq!(
        path_params("/v1/products/{id}/categories/{categoryId}"),
        ["id", "categoryId"]
    );
    assert!(path_params("/v1/products").is_empty());
}

/// A list's row and page have names of their own, so `Order.Item` is not the resource
/// `OrderItem`; a name the runtime takes gets `Schema` after it.
#[test]
fn schema_names_do_not_collide() {
    let schemas = json!({
        "Order.Item": {}, "OrderItem": {}, "OrderItem.List": {}, "Client": {},
        "Error": {}, "Product.Create": {}
    });
    let names = Names::new(&schemas, &[], &["Client"]);
    assert_eq!(names.of("Order.Item"), "OrderListItem");
    assert_eq!(names.of("OrderItem"), "OrderItem");
    assert_eq!(names.of("OrderItem.List"), "OrderItemPage");
    assert_eq!(names.of("Client"), "ClientSchema");
    assert_eq!(names.of("Error"), "ErrorBody");
    assert_eq!(names.of("Product.Create"), "ProductCreate");
}

/// Keys a create body has and a patch body has not are set once.
#[test]
fn set_once_keys_are_the_creates_a_patch_lacks() {
    let schemas = json!({
        "Book.Create": {"properties": {"title": {}, "isbn": {}}},
        "Book.Patch": {"properties": {"title": {}}},
    });
    assert_eq!(set_once(&schemas, "Book"), ["isbn"]);
    assert_eq!(set_once(&schemas, "Book.Item"), ["isbn"]);
    assert!(set_once(&schemas, "Book.Create").is_empty());
}

/// Operations come with their parameters resolved, bodies, answers and whether they sign in.
#[test]
fn operations_are_read_off_the_document() {
    let document = json!({
        "components": {"parameters": {"IfMatch": {"in": "header", "name": "If-Match"}}},
        "paths": {"/v1/books/{id}": {"patch": {
            "operationId": "updateBook",
            "summary": "update part of a book",
            "parameters": [{"$ref": "#/components/parameters/IfMatch"},
                           {"in": "query", "name": "fields", "schema": {"type": "string"}}],
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Book.Patch"}}}},
            "responses": {"200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Book"}}}}, "404": {}},
            "security": [{"bearerAuth": []}]
        }}}
    });
    let ops = operations(&document);
    let [op] = ops.as_slice() else {
        panic!("one operation: {ops:?}")
    };
    assert_eq!(
        (op.id.as_str(), op.method.as_str()),
        ("updateBook", "PATCH")
    );
    assert_eq!(op.path_params, ["id"]);
    assert_eq!(op.headers, ["If-Match"]);
    assert_eq!(op.query.len(), 1);
    assert!(op.body.as_ref().is_some_and(|(_, required)| *required));
    assert_eq!(op.answers.len(), 1);
    assert!(op.signed_in);
}

/// The Rust client's fields: a key that may be absent is an `Option` left out when `None`;
/// one that may also be `null` is an `Option<Option<_>>`; a keyword is a raw identifier.
#[test]
fn rust_fields_say_absent_and_null_apart() {
    let document = json!({"components": {"schemas": {"Book.Patch": {
        "type": "object",
        "properties": {
            "title": {"type": "string"},
            "subtitle": {"type": ["string", "null"]},
            "type": {"type": "string", "enum": ["novel", "essay"]}
        }
    }}}, "paths": {}});
    let api = super::rust::api(&document.to_string());
    assert!(api.contains("pub title: Option<String>,"), "{api}");
    assert!(
        api.contains("with = \"nullable\"")
            && api.contains("pub subtitle: Option<Option<String>>,")
            && api.contains("mod nullable {"),
        "{api}"
    );
    assert!(api.contains("pub r#type: Option<BookPatchType>,"), "{api}");
    assert!(
        api.contains("#[serde(rename = \"novel\")]\n    Novel,"),
        "{api}"
    );
    assert!(api.contains("Default)]\npub struct BookPatch"), "{api}");
    // Without such a key, no adapter: it would be dead code.
    let document = json!({"components": {"schemas": {"Book": {
        "type": "object", "properties": {"title": {"type": "string"}}
    }}}, "paths": {}});
    let api = super::rust::api(&document.to_string());
    assert!(!api.contains("nullable"), "{api}");
}

/// A schema named like one of the prelude's types (a resource `default`) or a Rust keyword
/// key (`self`) cannot shadow or break what the client's code names.
#[test]
fn rust_names_keep_clear_of_the_prelude_and_keywords() {
    let document = json!({"components": {"schemas": {"Default": {
        "type": "object",
        "required": ["self", "override"],
        "properties": {"self": {"type": "string"}, "override": {"type": "string"}}
    }}}, "paths": {}});
    let api = super::rust::api(&document.to_string());
    assert!(api.contains("pub struct DefaultSchema {"), "{api}");
    assert!(
        api.contains("#[serde(rename = \"self\")]\n    pub self_: String,"),
        "{api}"
    );
    assert!(api.contains("    pub r#override: String,"), "{api}");
}

/// A resource named `token_pair` is no sign-in: only `login` and `refresh` keep a session.
#[test]
fn only_sign_ins_keep_the_session() {
    let answer = json!({"200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/TokenPair"}}}}});
    let document = json!({"components": {"schemas": {"TokenPair": {"type": "object", "properties": {}}}}, "paths": {
        "/v1/token-pairs/{id}": {"get": {"operationId": "getTokenPair", "responses": answer}},
        "/v1/auth/login": {"post": {"operationId": "login", "responses": answer}}
    }});
    let typescript = super::typescript::api(&document.to_string());
    assert_eq!(
        typescript.matches("this.client.remember(").count(),
        1,
        "{typescript}"
    );
    let rust = super::rust::api(&document.to_string());
    assert_eq!(rust.matches("self.set_session(Some(").count(), 1, "{rust}");
}

/// A file's routes are methods too: the upload takes the bytes and their type, the download
/// answers bytes (read as they are, with any `Accept`), in both clients.
#[test]
fn file_routes_take_and_answer_bytes() {
    let document = json!({
        "paths": {"/v1/books/{id}/cover": {
            "put": {
                "operationId": "uploadBookCover",
                "requestBody": {"required": true, "content": {"image/png": {"schema": {"type": "string", "format": "binary"}}}},
                "responses": {"200": {"content": {"application/json": {"schema": {"type": "object"}}}}}
            },
            "get": {
                "operationId": "downloadBookCover",
                "responses": {
                    "200": {"content": {"image/png": {"schema": {"type": "string", "format": "binary"}}}},
                    "206": {"content": {"image/png": {"schema": {"type": "string", "format": "binary"}}}}
                }
            }
        }}
    });
    let ops = operations(&document);
    let upload = ops.iter().find(|op| op.id == "uploadBookCover").unwrap();
    // A file of JSON is bytes too.
    let json_file = json!({"paths": {"/v1/books/{id}/data": {"put": {
        "operationId": "uploadBookData",
        "requestBody": {"content": {"application/json": {"schema": {"type": "string", "format": "binary"}}}},
        "responses": {"200": {"content": {"application/json": {"schema": {"type": "object"}}}}}
    }, "get": {
        "operationId": "downloadBookData",
        "responses": {"200": {"content": {"application/json": {"schema": {"type": "string", "format": "binary"}}}}}
    }}}});
    let json_ops = operations(&json_file);
    assert!(
        json_ops[1].bytes_body && json_ops[1].body.is_none(),
        "{json_ops:?}"
    );
    assert!(matches!(json_ops[0].answers[0].1, super::Answer::Bytes));
    assert!(upload.bytes_body && upload.body.is_none());
    let download = ops.iter().find(|op| op.id == "downloadBookCover").unwrap();
    assert!(!download.bytes_body);
    assert!(
        download
            .answers
            .iter()
            .all(|(_, answer)| matches!(answer, super::Answer::Bytes))
    );

    let rust = super::rust::api(&document.to_string());
    assert!(
        rust.contains(
            "pub async fn upload_book_cover(&self, id: &str, content_type: &str, bytes: impl Into<Vec<u8>>, options: &RequestOptions)"
        ),
        "{rust}"
    );
    assert!(rust.contains("body: Some(crate::Body::bytes(content_type, bytes))"));
    assert!(rust.contains("-> Result<Answer<Vec<u8>>, Error>"));
    assert!(rust.contains("accept: crate::ANY") && rust.contains(".bytes()"));
    let ts = super::typescript::api(&document.to_string());
    assert!(
        ts.contains(
            "uploadBookCover(id: string, contentType: string, bytes: Blob | Uint8Array<ArrayBuffer>"
        ),
        "{ts}"
    );
    assert!(ts.contains("bytes: { contentType, data: bytes }") && ts.contains("binary: true"));
    assert!(ts.contains("Promise<Answer<Uint8Array>>"));
}
