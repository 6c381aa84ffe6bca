//! The answers of a session as plain data. No terminal needed; `spec_text.rs`
//! writes them as a spec.

use crate::spec::{
    Access, AuthMode, Database, Event, FieldAccess, FieldType, Job, Literal, OnDelete, Rules,
};

/// Everything the session asks, in spec terms.
#[derive(Debug, Clone, PartialEq)]
pub struct Answers {
    pub description: String,
    pub database: Database,
    /// `[project] graphql`: `/graphql` beside the REST routes.
    pub graphql: bool,
    pub auth: AuthMode,
    /// Only written with auth mode jwt.
    pub roles: Vec<String>,
    pub admin_role: String,
    pub default_role: String,
    pub resources: Vec<ResourceAnswers>,
    /// "Add to this project": the project's spec, which `resources` join.
    pub existing: Option<Existing>,
}

/// The spec of the project a session adds to.
#[derive(Debug, Clone, PartialEq)]
pub struct Existing {
    /// Its text, kept as written (comments and all); new resources go after it.
    pub source: String,
    /// Its resources' names.
    pub resources: Vec<String>,
    /// Its resources' belongs-to relations, as (resource, relation, target):
    /// new resources may be owned through them (`order.customer`).
    pub relations: Vec<(String, String, String)>,
    /// Its jobs' names, which new jobs may not take.
    pub jobs: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ResourceAnswers {
    /// Singular snake_case name.
    pub name: String,
    /// Empty for none.
    pub description: String,
    pub fields: Vec<FieldAnswers>,
    pub belongs_to: Vec<RelationAnswers>,
    /// Names of the resources this one links to.
    pub many_to_many: Vec<String>,
    pub soft_delete: bool,
    pub versioned: bool,
    /// `None` leaves the auth mode's default (everyone, or authenticated).
    pub access: Option<Access>,
    /// The owner path: a belongs-to relation to `user` (`customer`), or one
    /// through parents (`order.customer`).
    pub owner: Option<String>,
    /// The domain events its writes emit.
    pub events: Vec<Event>,
    /// Background jobs that run on its events (`[jobs.NAME]`, written after
    /// every resource).
    pub jobs: Vec<Job>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct FieldAnswers {
    pub name: String,
    pub ty: FieldType,
    pub required: bool,
    pub unique: bool,
    pub rules: Rules,
    pub default: Option<Literal>,
    /// Field rules (`read`, `write`, `write_denied`); jwt only.
    pub access: FieldAccess,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RelationAnswers {
    /// Relation name; the foreign key is `{name}_id`.
    pub name: String,
    /// The parent resource.
    pub target: String,
    pub required: bool,
    pub on_delete: OnDelete,
}

impl Answers {
    /// What `--yes` takes: sqlite, no auth, one `item` with a `name`.
    pub fn defaults(name: &str) -> Self {
        Self {
            description: default_description(name),
            database: Database::Sqlite,
            graphql: false,
            auth: AuthMode::None,
            roles: default_roles(),
            admin_role: "admin".into(),
            default_role: "member".into(),
            resources: vec![ResourceAnswers {
                fields: vec![FieldAnswers::usual("name", FieldType::String, true)],
                ..ResourceAnswers::new("item")
            }],
            existing: None,
        }
    }

    /// The answers of a session that adds to the project of `spec` (whose text is
    /// `source`): its service settings, and no new resource yet.
    pub fn adding_to(spec: &crate::spec::Spec, source: &str) -> Self {
        Self {
            description: spec.project.description.clone(),
            database: spec.project.database,
            graphql: spec.project.graphql,
            auth: spec.auth.mode,
            roles: spec.auth.roles.clone(),
            admin_role: spec.auth.admin_role.clone(),
            default_role: spec.auth.default_role.clone(),
            resources: Vec::new(),
            existing: Some(Existing {
                source: source.to_string(),
                resources: spec
                    .resources
                    .iter()
                    .map(|r| r.names.snake.clone())
                    .collect(),
                relations: spec
                    .resources
                    .iter()
                    .flat_map(|r| {
                        r.belongs_to.iter().map(|b| {
                            (
                                r.names.snake.clone(),
                                b.names.snake.clone(),
                                b.target.clone(),
                            )
                        })
                    })
                    .collect(),
                jobs: spec.jobs.iter().map(|j| j.name.clone()).collect(),
            }),
        }
    }

    /// Every resource name: the project's, then the session's.
    pub fn resource_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self
            .existing
            .iter()
            .flat_map(|e| e.resources.iter().cloned())
            .collect();
        names.extend(self.resources.iter().map(|r| r.name.clone()));
        names
    }

    /// The belongs-to relations of `resource` as (relation, target): the
    /// project's or the session's.
    pub fn relations_of(&self, resource: &str) -> Vec<(String, String)> {
        let existing = self.existing.iter().flat_map(|e| {
            e.relations
                .iter()
                .filter(|(r, _, _)| r == resource)
                .map(|(_, name, target)| (name.clone(), target.clone()))
        });
        let asked = self
            .resources
            .iter()
            .filter(|r| r.name == resource)
            .flat_map(|r| {
                r.belongs_to
                    .iter()
                    .map(|b| (b.name.clone(), b.target.clone()))
            });
        existing.chain(asked).collect()
    }

    /// Every job name taken: the project's and the session's.
    pub fn job_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self
            .existing
            .iter()
            .flat_map(|e| e.jobs.iter().cloned())
            .collect();
        names.extend(
            self.resources
                .iter()
                .flat_map(|r| r.jobs.iter().map(|j| j.name.clone())),
        );
        names
    }
}

impl Answers {
    /// New accounts get the admin role: every account passes every rule.
    pub fn every_account_is_admin(&self) -> bool {
        self.auth == AuthMode::Jwt && self.default_role == self.admin_role
    }
}

impl ResourceAnswers {
    pub fn new(name: &str) -> Self {
        Self {
            name: name.into(),
            description: String::new(),
            fields: Vec::new(),
            belongs_to: Vec::new(),
            many_to_many: Vec::new(),
            soft_delete: false,
            versioned: false,
            access: None,
            owner: None,
            events: Vec::new(),
            jobs: Vec::new(),
        }
    }
}

impl FieldAnswers {
    /// A required, not unique field without rules or default.
    pub fn new(name: &str, ty: FieldType) -> Self {
        Self {
            name: name.into(),
            ty,
            required: true,
            unique: false,
            rules: Rules::default(),
            default: None,
            access: FieldAccess::default(),
        }
    }

    /// The field the short path gives: required or optional, and for a
    /// type whose column is sized (a string) the usual length limit.
    pub(super) fn usual(name: &str, ty: FieldType, required: bool) -> Self {
        let sized = ty.props().sized;
        let mut field = Self::new(name, ty);
        if sized {
            field = field.max_length(USUAL_MAX_LENGTH);
        }
        // A file is uploaded after its row is made: never required.
        field.required = required && field.ty.file().is_none();
        field
    }

    /// Whether the field is one the short path gives: `Some(required)`, or
    /// `None` when it needs "more options".
    pub(super) fn usual_required(&self) -> Option<bool> {
        [true, false]
            .into_iter()
            .find(|&required| *self == Self::usual(&self.name, self.ty.clone(), required))
    }

    fn max_length(mut self, max: u32) -> Self {
        self.rules.max_length = Some(max);
        self
    }
}

/// The length limit a string field gets unless more options are asked for.
pub(super) const USUAL_MAX_LENGTH: u32 = 200;

pub(super) fn default_description(name: &str) -> String {
    format!("The {name} service")
}

fn default_roles() -> Vec<String> {
    vec!["admin".into(), "member".into()]
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    // `pub(crate)`, not `pub(in crate::interactive)`: that path would make this file
    // import `interactive/mod.rs`, which imports the files that import this one.
    pub(crate) fn field(name: &str, ty: FieldType) -> FieldAnswers {
        FieldAnswers::new(name, ty)
    }

    pub(crate) fn resource(name: &str, fields: Vec<FieldAnswers>) -> ResourceAnswers {
        ResourceAnswers {
            fields,
            ..ResourceAnswers::new(name)
        }
    }

    #[test]
    fn the_short_path_knows_its_own_fields() {
        let title = FieldAnswers::usual("title", FieldType::String, true);
        assert_eq!(title.rules.max_length, Some(USUAL_MAX_LENGTH));
        assert_eq!(title.usual_required(), Some(true));
        let note = FieldAnswers::usual("note", FieldType::Text, false);
        assert_eq!(note.rules.max_length, None);
        assert_eq!(note.usual_required(), Some(false));
        let mut sku = title.clone();
        sku.unique = true;
        assert_eq!(sku.usual_required(), None);
        let mut long = title;
        long.rules.max_length = Some(500);
        assert_eq!(long.usual_required(), None);
    }
}
