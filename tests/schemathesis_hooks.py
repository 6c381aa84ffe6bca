"""Schemathesis hooks for the conformance runs of the generated services (see
tests/schemathesis.toml; `schemathesis()` in tests/pytools/mod.rs loads this file).

`positive_data_acceptance` fails when the service refuses a request the OpenAPI document
calls valid. A few refusals are right by design, because the document cannot say what they
depend on: which rows exist, which cursors the service gave out, that a cursor and a
page exclude each other, how deep offset pages reach (`page` times `limit`, against the
service's `LIST_OFFSET_WINDOW`), and which filters and sorts a list takes together (each
combination served by an index, which the parameters' descriptions list). They are named here, each by the exact answer the service gives,
so that every other refusal still fails.
"""

import base64
import json
import os
import re

import schemathesis
from schemathesis.specs.openapi.checks import ensure_resource_availability, positive_data_acceptance

# A file field's upload takes the raw bytes of its declared types. Schemathesis sends bytes
# for `application/octet-stream` and the common images itself; the other binary types a
# spec may declare (docs/spec.md, "Files") go the same way.
schemathesis.serializer.alias(
    [
        "application/pdf",
        "application/zip",
        "audio/mpeg",
        "video/mp4",
        "image/bmp",
        "image/svg+xml",
        "text/csv",
        "text/markdown",
    ],
    "application/octet-stream",
)

# (status, detail field or None for any, detail message (exact, or a pattern the whole
# message matches) or None for any): the reason.
BY_DESIGN = {
    # A reference in a body (a foreign key, an owner) is a well-formed UUID that names no
    # row: 422 naming the key, as the contract says. The same as a path id that names no row
    # (404), which Schemathesis already expects.
    (422, None, "does not exist"): "a reference to a row that does not exist",
    # The same for a row of another service (`references`, and the split's relations across
    # services), which that service is asked about with the caller's token.
    (
        422,
        None,
        re.compile(r"no [a-z0-9 ]+ with this id that you may read in the [a-z0-9_-]+ service"),
    ): "a reference to another service's row that it does not have",
    # A cursor is signed by the service: a well-formed one it did not give out (or one from
    # another sort) is a 400 naming `cursor`, as the contract says.
    (400, "cursor", "is not a cursor this list gave out"): "a cursor the service did not give out",
    (400, "cursor", "belongs to another sort order"): "a cursor from another sort order",
    # A cursor and a page each say where a page starts, so they exclude each other; OpenAPI
    # cannot say that of two query parameters, so the parameters' descriptions do.
    (400, "cursor", "cannot be combined with `page`"): "a cursor with a page",
    # Offset pages reach the first `LIST_OFFSET_WINDOW` rows: a page whose `page` times
    # `limit` is past them is a 400 naming `page` (pointing to `cursor`), as the parameter's
    # description says; the window is the service's setting, and the product of two
    # parameters is nothing a schema can bound.
    (400, "page", re.compile(r"offset pages reach the first [0-9]+ rows .*")): "an offset page past the window",
    # A list takes the filters and sorts an index serves together (docs/spec.md, "What lists
    # filter and sort by"): a range filter with the sort by its key, one equality filter (or
    # a declared combination) with the default sort. Each parameter is valid alone, so the
    # document lists the combinations in the parameters' descriptions; a schema cannot say
    # which parameters go together. A nested list documents only what its scope (the
    # parent's key) leaves: a sort it takes alone is never refused there, so no answer about
    # the scope alone is let through ("cannot sort by ... in this list" comes only from two
    # scopes, an owner's own rows under another parent, which this run's admin never has).
    # The admin list of jobs takes `state` or `kind`, one at a time, in the same words.
    (400, None, re.compile(r"applies only to a list sorted by `[^`]+` .*")): "a range filter without the sort by its key",
    (400, None, re.compile(r"cannot be combined with the other filters or this list's scope; .*")): "filters no index serves together",
    (400, "sort", re.compile(r"cannot sort by `[^`]+` with these filters; .*")): "a sort no index serves with these filters",
    # A webhook's URL is checked where it leads: a host that does not resolve (this
    # machine's network resolves none), or resolves to a private address, is a 422 naming
    # `url`, as the document's description of it says.
    (422, "url", None): "a webhook target that does not resolve, or leads to a private network",
    # An `Idempotency-Key` remembers its first request: a well-formed key sent again with
    # another request is a 422 naming the header, as its description says.
    (422, "Idempotency-Key", None): "an idempotency key already used for another request",
    # A mailed token (email verification, password reset) is one the service made: a
    # well-formed string it never mailed, or one used or expired, is a 400 naming `token`,
    # as the routes' descriptions say.
    (400, "token", "is invalid or expired; ask for a new one"): "a token the service did not mail, or one used or expired",
    # A password change must name the account's password: any other well-formed one is a
    # 422 naming `currentPassword`, as the route's description says.
    (422, "currentPassword", "is not the account's password"): "a current password that is not the account's",
    # So must an erasure of the caller's own account (`POST .../auth/me/erase`): any other
    # well-formed password is a 422 naming `password`, and the run never knows the admin's.
    (422, "password", "is not the account's password"): "an erasure's password that is not the account's",
    # A sign-in with a provider returns to one of the deployment's app pages
    # (`SIGN_IN_REDIRECT_URLS`, compared whole): any other well-formed URL is a 400 naming the
    # parameter, as the routes' descriptions say; the list is configuration, not schema.
    (400, "redirect_to", "is not one of the service's SIGN_IN_REDIRECT_URLS"): "an app page the deployment does not list",
    (400, "redirectTo", "is not one of the service's SIGN_IN_REDIRECT_URLS"): "an app page the deployment does not list",
    # The callback's `state` and a link's code are the service's own, given to one browser or
    # account, once: any other well-formed value is a 400 naming it.
    (400, "state", "is unknown, used, expired or another browser's; sign in again"): "a state the service did not give this browser",
    (400, "code", "is unknown, used, expired or another account's link"): "a link's code the service did not give this account",
    # A file's bytes are checked against its declared type by their signature: bytes of
    # another type (Schemathesis sends an image as any binary type) are a 415 naming the
    # field, as the upload's description says; a schema cannot say what bytes a type holds.
    (415, None, re.compile(r"the bytes are not a file of the declared type \([a-z0-9.+/-]+\)")): "bytes of another type than the one declared",
}


def _details(response):
    try:
        return json.loads(response.content)["error"].get("details") or []
    except (ValueError, KeyError, TypeError, AttributeError):
        return []


def _by_design(status, detail):
    return any(
        status == expected_status
        and field in (None, detail.get("field"))
        and _message_is(message, detail.get("message"))
        for expected_status, field, message in BY_DESIGN
    )


def _message_is(expected, message):
    if expected is None:
        return True
    if isinstance(expected, re.Pattern):
        return isinstance(message, str) and expected.fullmatch(message) is not None
    return expected == message


@schemathesis.check
def positive_data_acceptance_by_design(ctx, response, case):
    """`positive_data_acceptance`, except for answers whose every detail is in `BY_DESIGN`."""
    details = _details(response)
    if details and all(_by_design(response.status_code, detail) for detail in details):
        return None
    return positive_data_acceptance(ctx, response, case)


def _caller_id():
    """The subject of the token the run sends (`SCHEMATHESIS_CALLER_TOKEN`), if any."""
    token = os.environ.get("SCHEMATHESIS_CALLER_TOKEN", "")
    parts = token.split(".")
    if len(parts) != 3:
        return None
    payload = parts[1] + "=" * (-len(parts[1]) % 4)
    try:
        return json.loads(base64.urlsafe_b64decode(payload)).get("sub")
    except ValueError:
        return None


CALLER = _caller_id()
# A stand-in for the caller's own id where the run must not reach it: no account has it.
NOBODY = "00000000-0000-0000-0000-000000000000"


@schemathesis.hook
def before_call(ctx, case, kwargs):
    """The run has one identity, the admin whose token it sends. Deleting that account, or
    setting its roles, would end it (the contract: a deleted account's token is refused on the
    next request), and every call after it would be a 401 that tests nothing but the
    refusal. Such a call, which the run finds once the admin's id is in an answer, is sent
    for an id no account has instead (a 404, which the checks expect); every other account
    is deleted and changed as the run pleases."""
    if CALLER is None or not case.path_parameters:
        return
    ends_the_caller = case.method.upper() == "DELETE" or case.path.endswith("/roles")
    if ends_the_caller:
        for name, value in case.path_parameters.items():
            if value == CALLER:
                case.path_parameters[name] = NOBODY


@schemathesis.check
def ensure_resource_availability_unless_stood_in(ctx, response, case):
    """`ensure_resource_availability` (ST302: a 404 right after a create, for the created
    row), except for a call sent for `NOBODY`, which `before_call` puts in place of the
    caller's own id: its 404 is for the stand-in, not for a row the create made. Seen once:
    after `POST /v1/users`, a stateful scenario's `PUT /v1/users/{id}/roles` went to
    `NOBODY` and its 404 was reported as the new account's."""
    if NOBODY in (case.path_parameters or {}).values():
        return None
    return ensure_resource_availability(ctx, response, case)
