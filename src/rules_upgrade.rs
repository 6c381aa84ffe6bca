//! Rules files written before the service layer: each resource's `src/rules/<module>.rs`
//! held a synchronous `check(&mut Input)` that the handlers called on every create, replace
//! and patch. The services now call the file's `Rules` type through `hooks::Hooks`, so
//! `update` converts such a file: the team's text stays as it is, and a `Rules` type whose
//! `before_create` and `before_update` call its `check` is appended, which keeps the rule
//! running where it ran.

use regex::Regex;
use std::sync::LazyLock;

/// A file that already declares the `Rules` type needs nothing.
static DECLARES_RULES: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(struct|enum|type|use)\s[^;]*\bRules\b").expect("a valid regex")
});

/// The team's `check`, as the old template declared it.
static HAS_CHECK: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\bfn\s+check\s*\(").expect("a valid regex"));

/// Whether `path` is a resource's rules file, and of which module.
pub fn rules_module(path: &str) -> Option<&str> {
    let module = path.strip_prefix("src/rules/")?.strip_suffix(".rs")?;
    (module != "mod" && !module.contains('/')).then_some(module)
}

/// The file converted, or `None` when it declares `Rules` already. `module` and `type_name`
/// are the resource's module and type (`orders`, `Order`).
pub fn convert(text: &str, module: &str, type_name: &str) -> Option<String> {
    if DECLARES_RULES.is_match(text) {
        return None;
    }
    let mut out = text.trim_end().to_string();
    out.push_str("\n\n");
    let head = format!(
        "/// Added by `backend-gen update` when services came to own every write: the hooks below\n\
         /// run your `check` where the handlers ran it (see `crate::hooks` for what else they get).\n\
         pub struct Rules;\n\n\
         impl crate::hooks::Hooks for Rules {{\n\
         \x20   type Row = crate::resources::{module}::model::{type_name};\n\
         \x20   type Input = crate::resources::{module}::model::{type_name}Input;\n"
    );
    out.push_str(&head);
    if HAS_CHECK.is_match(text) {
        out.push_str(
            "\n    async fn before_create(\n\
             \x20       ctx: crate::hooks::Create<'_, Self::Input>,\n\
             \x20   ) -> Result<(), crate::error::AppError> {\n\
             \x20       check(ctx.input)\n\
             \x20   }\n\
             \n    async fn before_update(\n\
             \x20       ctx: crate::hooks::Update<'_, Self::Row, Self::Input>,\n\
             \x20   ) -> Result<(), crate::error::AppError> {\n\
             \x20       check(ctx.input)\n\
             \x20   }\n",
        );
    }
    out.push_str("}\n");
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const OLD: &str = "//! Business rules for orders.\n\n\
        use crate::error::AppError;\n\
        use crate::resources::orders::model::OrderInput;\n\n\
        pub fn check(input: &mut OrderInput) -> Result<(), AppError> {\n    \
        if input.total.is_sign_negative() {\n        \
        return Err(AppError::conflict(\"no\"));\n    }\n    Ok(())\n}\n";

    #[test]
    fn an_old_rules_file_keeps_its_text_and_gains_hooks_that_call_check() {
        let new = convert(OLD, "orders", "Order").expect("converted");
        assert!(new.starts_with(OLD.trim_end()), "{new}");
        assert!(new.contains("impl crate::hooks::Hooks for Rules {"));
        assert!(new.contains("type Row = crate::resources::orders::model::Order;"));
        assert!(new.contains("type Input = crate::resources::orders::model::OrderInput;"));
        assert_eq!(new.matches("check(ctx.input)").count(), 2, "{new}");
        syn::parse_file(&new).expect("valid Rust");
        // Converted once: the next update leaves it alone.
        assert_eq!(convert(&new, "orders", "Order"), None);
    }

    #[test]
    fn a_rules_file_without_check_gets_the_bare_hooks() {
        let text = "//! Nothing yet.\n";
        let new = convert(text, "tags", "Tag").expect("converted");
        assert!(!new.contains("check("), "{new}");
        syn::parse_file(&new).expect("valid Rust");
    }

    #[test]
    fn a_file_of_the_new_template_is_left_alone() {
        let text = "use crate::hooks::Hooks;\n\npub struct Rules;\n\nimpl Hooks for Rules {}\n";
        assert_eq!(convert(text, "tags", "Tag"), None);
    }

    #[test]
    fn only_a_resource_s_rules_file_is_one() {
        assert_eq!(rules_module("src/rules/orders.rs"), Some("orders"));
        assert_eq!(rules_module("src/rules/mod.rs"), None);
        assert_eq!(rules_module("src/custom/orders.rs"), None);
        assert_eq!(rules_module("src/rules/a/b.rs"), None);
    }
}
