//! The jwt flow's operations (docs/contract.md, "Sign-in") and their bodies.

use super::*;

impl<'a> Builder<'a> {
    /// The jwt flow's routes (docs/contract.md, "Sign-in") and their bodies.
    pub(super) fn auth_paths(
        &self,
        paths: &mut Map<String, Value>,
        schemas: &mut Map<String, Value>,
    ) {
        let Some(account) = self.ctx.resources.iter().find(|r| r.account) else {
            return;
        };
        let user = schema_name(account);
        let base = format!("{}/auth", self.ctx.api_prefix);
        let string = |description: &str| json!({"type": "string", "minLength": 1, "description": description});
        schemas.insert(
            "Credentials".into(),
            json!({
                "type": "object",
                "properties": {
                    "email": text("The account's email: an unknown one gets the same 401 as a wrong password."),
                    "password": {"type": "string", "pattern": NO_NUL, "writeOnly": true}
                },
                "required": ["email", "password"],
                "additionalProperties": false
            }),
        );
        schemas.insert(
            "RefreshRequest".into(),
            json!({
                "type": "object",
                "properties": {"refreshToken": text("A refresh token from login or refresh. One that names no live session gets 401 at refresh, and ends nothing at logout.")},
                "required": ["refreshToken"],
                "additionalProperties": false
            }),
        );
        schemas.insert(
            "TokenPair".into(),
            json!({
                "type": "object",
                "properties": {
                    "accessToken": string("A JWT for `Authorization: Bearer`."),
                    "refreshToken": string("Trade it at `/auth/refresh`; it works once."),
                    "tokenType": {"type": "string", "enum": ["Bearer"]},
                    "expiresIn": {"type": "integer", "minimum": 1, "description": "Seconds the access token lives."}
                },
                "required": ["accessToken", "refreshToken", "tokenType", "expiresIn"],
                "additionalProperties": false
            }),
        );
        schemas.insert(
            "Roles".into(),
            json!({
                "type": "object",
                "properties": {
                    "roles": {"type": "array", "items": {"type": "string", "enum": self.spec.auth.roles}}
                },
                "required": ["roles"],
                "additionalProperties": false
            }),
        );
        let operation = |id: &str, path: &str, body: &str, mut list: Vec<(&str, Value)>| {
            list.extend(body_errors());
            json!({
                "operationId": id,
                "summary": self.summary("POST", path),
                "tags": [self.tags.auth],
                "security": [],
                "requestBody": body_ref(body),
                "responses": responses(list)
            })
        };
        let pair = || ok_json("A new token pair.", "TokenPair", &[]);
        let register = format!("{base}/register");
        let quiet = self.spec.auth.registration == Registration::Quiet;
        let answers = if quiet {
            vec![(
                "202",
                no_content(
                    "Accepted, whether or not the email had an account: a new account's address gets a verification link, a taken one's owner a notice.",
                ),
            )]
        } else {
            let mut created = ok_json(
                "The new account (no secrets).",
                &user,
                &["Location", "ETag"],
            );
            created["links"] = self.links(account);
            vec![("201", created), ("409", error("Conflict"))]
        };
        let body = self
            .register_schema(account)
            .unwrap_or_else(|| format!("{user}.Create"));
        let op = operation("register", &register, &body, answers);
        let mut item = Map::new();
        item.insert("post".into(), op);
        item["post"]["description"] = json!(if quiet {
            "Anyone may open an account; it gets the default role, and its address a verification link. The answer is the same for a taken email (no account enumeration)."
        } else {
            "Anyone may open an account; it gets the default role, and its address a verification link."
        });
        self.note(&mut item, "post", account, Op::Write(Body::Register));
        paths.insert(register, Value::Object(item));
        self.account_mail_paths(paths, schemas);
        self.session_paths(paths, schemas);
        for (id, name, list) in [
            (
                "login",
                "login",
                if self.spec.auth.require_verified_email {
                    vec![
                        ("200", pair()),
                        ("401", error("Unauthorized")),
                        ("403", error("Forbidden")),
                    ]
                } else {
                    vec![("200", pair()), ("401", error("Unauthorized"))]
                },
            ),
            (
                "refresh",
                "refresh",
                vec![("200", pair()), ("401", error("Unauthorized"))],
            ),
            (
                "logout",
                "logout",
                vec![("204", no_content("The session is over."))],
            ),
        ] {
            let path = format!("{base}/{name}");
            let body = if id == "login" {
                "Credentials"
            } else {
                "RefreshRequest"
            };
            let op = operation(id, &path, body, list);
            paths.insert(path, json!({"post": op}));
        }
        let me = format!("{base}/me");
        let mut item = Map::new();
        item.insert(
            "get".into(),
            json!({
                "operationId": "me",
                "summary": self.summary("GET", &me),
                "tags": [self.tags.auth],
                "security": [{"bearerAuth": []}],
                "responses": responses(vec![
                    ("200", ok_json("The signed-in account.", &user, &[])),
                    ("401", error("Unauthorized")),
                    ("500", error("InternalError")),
                    ("503", error("ServiceUnavailable")),
                ])
            }),
        );
        self.note(&mut item, "get", account, Op::Read);
        paths.insert(me, Value::Object(item));
        let roles = format!("{}/{{id}}/roles", account.url);
        let mut list = vec![
            (
                "200",
                ok_json("The account with its new roles.", &user, &[]),
            ),
            ("401", error("Unauthorized")),
            ("403", error("Forbidden")),
            ("404", error("NotFound")),
        ];
        list.extend(body_errors());
        paths.insert(
            roles.clone(),
            json!({
                "parameters": [param_ref("Id")],
                "put": {
                    "operationId": format!("set{}Roles", account.names.pascal),
                    "summary": self.summary("PUT", &roles),
                    "description": "Admins only. An admin may not drop their own admin role (403): another admin may.",
                    "tags": [tag(account)],
                    "security": [{"bearerAuth": []}],
                    "requestBody": body_ref("Roles"),
                    "responses": responses(list)
                }
            }),
        );
    }

    /// Email verification and password reset (`src/auth/handlers.rs`): each answers the same
    /// whether or not an account has the email it is given.
    pub(super) fn account_mail_paths(
        &self,
        paths: &mut Map<String, Value>,
        schemas: &mut Map<String, Value>,
    ) {
        let base = format!("{}/auth", self.ctx.api_prefix);
        let token = text("The token of a mailed link (`?token=`).");
        schemas.insert(
            "TokenRequest".into(),
            json!({
                "type": "object",
                "properties": {"token": token},
                "required": ["token"],
                "additionalProperties": false
            }),
        );
        schemas.insert(
            "EmailRequest".into(),
            json!({
                "type": "object",
                "properties": {"email": {"type": "string", "minLength": 1, "maxLength": 254, "pattern": NO_NUL, "description": "Any address: the answer is the same whether or not an account has it."}},
                "required": ["email"],
                "additionalProperties": false
            }),
        );
        schemas.insert(
            "ResetRequest".into(),
            json!({
                "type": "object",
                "properties": {
                    "token": token,
                    "password": {"type": "string", "pattern": NO_NUL, "writeOnly": true, "description": "The new password, under the same policy as at sign-up."}
                },
                "required": ["token", "password"],
                "additionalProperties": false
            }),
        );
        let invalid = || ("400", error("BadRequest"));
        for (id, name, body, description, answer) in [
            (
                "verifyEmail",
                "verify",
                "TokenRequest",
                "Verifies the email a verification link was mailed to, if it is still the account's. A used, expired or unknown token is a 400 naming `token`.",
                ("204", no_content("The email is verified.")),
            ),
            (
                "resendVerification",
                "verify/resend",
                "EmailRequest",
                "Mails a new verification link if an account has the address and has not verified it. The answer is the same either way; each address asked about has its own hourly budget.",
                (
                    "202",
                    no_content("Accepted, whether or not an account has the address."),
                ),
            ),
            (
                "forgotPassword",
                "forgot",
                "EmailRequest",
                "Mails a single-use password reset link if an account has the address. The answer is the same either way; each address asked about has its own hourly budget.",
                (
                    "202",
                    no_content("Accepted, whether or not an account has the address."),
                ),
            ),
            (
                "resetPassword",
                "reset",
                "ResetRequest",
                "Sets a new password with a reset token, which then stops working with the account's other reset tokens; every session of the account ends. A used, expired or unknown token is a 400 naming `token`; a weak password a 422.",
                (
                    "204",
                    no_content("The password is set; every session ended."),
                ),
            ),
        ] {
            let path = format!("{base}/{name}");
            let mut list = vec![answer];
            if name == "verify" || name == "reset" {
                list.push(invalid());
            }
            list.extend(body_errors());
            let op = json!({
                "operationId": id,
                "summary": self.summary("POST", &path),
                "description": description,
                "tags": [self.tags.auth],
                "security": [],
                "requestBody": body_ref(body),
                "responses": responses(list)
            });
            paths.insert(path, json!({"post": op}));
        }
    }

    /// The caller's sessions and password (`src/auth/handlers.rs`): signed-in routes.
    pub(super) fn session_paths(
        &self,
        paths: &mut Map<String, Value>,
        schemas: &mut Map<String, Value>,
    ) {
        let base = format!("{}/auth", self.ctx.api_prefix);
        let secret = |description: &str| json!({"type": "string", "pattern": NO_NUL, "writeOnly": true, "description": description});
        let at = |description: &str| json!({"type": "string", "format": "date-time", "description": description});
        schemas.insert(
            "PasswordChange".into(),
            json!({
                "type": "object",
                "properties": {
                    "currentPassword": secret("The account's password now: a wrong one is a 422 naming `currentPassword`."),
                    "newPassword": secret("Under the same policy as at sign-up.")
                },
                "required": ["currentPassword", "newPassword"],
                "additionalProperties": false
            }),
        );
        schemas.insert(
            "Session".into(),
            json!({
                "type": "object",
                "properties": {
                    "id": {"type": "string", "format": "uuid"},
                    "createdAt": at("When it signed in."),
                    "lastUsedAt": at("When it signed in or last refreshed its tokens."),
                    "expiresAt": at("When it ends unless refreshed."),
                    "userAgent": {"type": ["string", "null"], "description": "The client's `User-Agent` when it last signed in or refreshed."},
                    "address": {"type": ["string", "null"], "description": "The client's address then."},
                    "current": {"type": "boolean", "description": "Whether it is the session of the request that lists it."}
                },
                "required": ["id", "createdAt", "lastUsedAt", "expiresAt", "userAgent", "address", "current"],
                "additionalProperties": false
            }),
        );
        schemas.insert(
            "Session.List".into(),
            json!({
                "type": "object",
                "properties": {"data": {"type": "array", "items": schema_ref("Session")}},
                "required": ["data"],
                "additionalProperties": false
            }),
        );
        let signed_in = |id: &str,
                         method: &str,
                         path: &str,
                         description: &str,
                         mut list: Vec<(&str, Value)>| {
            list.extend([
                ("401", error("Unauthorized")),
                ("500", error("InternalError")),
                ("503", error("ServiceUnavailable")),
            ]);
            json!({
                "operationId": id,
                "summary": self.summary(method, path),
                "description": description,
                "tags": [self.tags.auth],
                "security": [{"bearerAuth": []}],
                "responses": responses(list)
            })
        };
        let sessions = format!("{base}/sessions");
        let list = signed_in(
            "listSessions",
            "GET",
            &sessions,
            "The caller's live sessions (one per sign-in), the most recently used first.",
            vec![("200", ok_json("The sessions.", "Session.List", &[]))],
        );
        paths.insert(sessions.clone(), json!({"get": list}));
        let one = format!("{sessions}/{{id}}");
        let end = signed_in(
            "endSession",
            "DELETE",
            &one,
            "Ends one of the caller's sessions (its own too): its refresh token and its access tokens stop working at once. Another account's session, or one that is over, is a 404.",
            vec![
                ("204", no_content("The session is over.")),
                ("400", error("BadRequest")),
                ("404", error("NotFound")),
            ],
        );
        paths.insert(one, json!({"parameters": [param_ref("Id")], "delete": end}));
        let all = format!("{base}/logout-all");
        let end_all = signed_in(
            "logoutAll",
            "POST",
            &all,
            "Ends every session of the caller's, its own included.",
            vec![("204", no_content("Every session is over."))],
        );
        paths.insert(all, json!({"post": end_all}));
        let password = format!("{base}/password");
        let mut list = vec![(
            "204",
            no_content("The password is changed; every other session ended."),
        )];
        list.extend(body_errors());
        let mut change = signed_in(
            "changePassword",
            "POST",
            &password,
            "Sets a new password, given the current one; every other session of the account ends, and its owner is told by mail.",
            list,
        );
        change["requestBody"] = body_ref("PasswordChange");
        paths.insert(password, json!({"post": change}));
    }
}
