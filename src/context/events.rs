//! The domain events a resource's writes put in the outbox.

use serde::Serialize;

use crate::spec::{Event, Resource, Trigger};

use super::FieldContext;

/// One event a resource emits, as its writes record it.
#[derive(Debug, Serialize)]
pub struct EventContext {
    /// `payment.completed`
    pub event_type: String,
    /// A lifecycle step: `created`, `updated`, `deleted` or `erased`; `None` for a transition.
    pub step: Option<&'static str>,
    /// A transition: the field's Rust name on a row and the value it moves to, as a Rust
    /// expression comparable with it (`Some(PaymentStatus::Succeeded)` when it is optional).
    pub field: Option<String>,
    pub becomes: Option<String>,
    /// A transition's JSON key and value (`"succeeded"`), for the generated docs and the tests.
    pub key: Option<String>,
    pub value_json: Option<String>,
}

impl EventContext {
    pub(super) fn new(r: &Resource, fields: &[FieldContext], event: &Event) -> Self {
        let mut context = Self {
            event_type: r.event_type(event),
            step: None,
            field: None,
            becomes: None,
            key: None,
            value_json: None,
        };
        match &event.trigger {
            Trigger::Created => context.step = Some("created"),
            Trigger::Updated => context.step = Some("updated"),
            Trigger::Deleted => context.step = Some("deleted"),
            Trigger::Erased => context.step = Some("erased"),
            Trigger::Becomes { field, value } => {
                let f = fields
                    .iter()
                    .find(|f| f.names.snake == *field)
                    .expect("validation keeps transitions to the resource's enum fields");
                let variant = f
                    .enum_values
                    .iter()
                    .find(|v| v.value == *value)
                    .expect("validation keeps transitions to the field's values");
                let rust = format!("{}::{}", f.rust_type, variant.variant);
                context.becomes = Some(if f.required {
                    rust
                } else {
                    format!("Some({rust})")
                });
                context.field = Some(f.names.ident.clone());
                context.key = Some(f.names.camel.clone());
                context.value_json = Some(format!("{value:?}"));
            }
        }
        context
    }
}
