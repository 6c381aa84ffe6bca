//! Placeholder until the interactive session lands.
pub fn session(_name: &str, _yes: bool) -> crate::error::Result<String> {
    Err(crate::error::Error::Prompt(
        "interactive mode is not available yet".into(),
    ))
}
