use crate::context::ServiceContext;
use crate::spec;

/// The SDL of `source`, as `pipeline::service_context` builds it: the document, then the
/// schema from it.
fn sdl_of(source: &str) -> String {
    super::sdl(&graph_of(source))
}

fn graph_of(source: &str) -> super::Graph {
    let spec = spec::parse("t.toml", source).expect("a valid spec");
    let mut ctx = ServiceContext::new("t", &spec, source);
    ctx.openapi = crate::openapi::document(&spec, &ctx);
    super::graph(&spec, &ctx)
}

const LIBRARY: &str = "[project]\ngraphql = true\n\
     [resources.author.fields]\nname = { type = \"string\", unique = true }\n\
     [resources.shelf.fields]\nlabel = { type = \"string\" }\n\
     [resources.book]\nbelongs_to = { author = {}, shelf = {} }\n\
     [resources.book.fields]\ntitle = { type = \"string\" }\n";

/// Has-many fields sort and filter as the child's REST list does.
#[test]
fn has_many_fields_sort_and_filter() {
    let sdl = sdl_of(LIBRARY);
    assert!(
        sdl.contains("  books(first: Int, sort: String, filter: BookFilter): BookConnection\n"),
        "{sdl}"
    );
}

/// The N+1 test walks the list whose rows it may make without limit (shelves: no unique
/// field), 5 rows and then 50; else (authors: a unique name) as many as its samples allow.
#[test]
fn the_statement_walk_prefers_rows_without_limit() {
    let walk = graph_of(LIBRARY).walk.expect("a walk");
    assert_eq!(
        (walk.list.as_str(), walk.children.name.as_str()),
        ("shelves", "books")
    );
    assert_eq!(walk.other.as_deref(), Some("author"));
    assert_eq!(walk.tables, ["shelves", "books", "authors"]);
    assert_eq!((walk.sizes, walk.fresh_parents), ([5, 50], true));
    assert_eq!(walk.listed, super::ListedChildren::Each);
    let unique = LIBRARY.replace(
        "label = { type = \"string\" }",
        "label = { type = \"string\", unique = true }",
    );
    let walk = graph_of(&unique).walk.expect("a walk");
    assert_eq!(walk.list, "authors");
    assert_eq!(
        (walk.sizes, walk.fresh_parents),
        ([1, crate::spec::room::COUNT], false)
    );
    let alone =
        "[project]\ngraphql = true\n[resources.note.fields]\ntext = { type = \"string\" }\n";
    assert!(graph_of(alone).walk.is_none());
}

/// A row's keys and nullability are the REST representation's, an input's its body's, and
/// a belongs-to relation is a field of its parent's type.
#[test]
fn the_schema_follows_the_rest_shapes() {
    let sdl = sdl_of(
        "[project]\ngraphql = true\n\
         [resources.author.fields]\nname = { type = \"string\" }\n\
         [resources.book]\nbelongs_to = { author = {} }\n\
         [resources.book.fields]\ntitle = { type = \"string\" }\n\
         pages = { type = \"integer\", required = false }\n\
         state = { type = \"enum\", values = [\"in_print\", \"out_of_print\"], default = \"in_print\" }\n",
    );
    assert!(sdl.contains("type Book {\n  authorId: ID!\n"), "{sdl}");
    assert!(sdl.contains("  pages: Int\n"), "{sdl}");
    assert!(sdl.contains("  state: BookState!\n"), "{sdl}");
    assert!(sdl.contains("  author: Author\n}"), "{sdl}");
    assert!(
        sdl.contains("enum BookState {\n  IN_PRINT\n  OUT_OF_PRINT\n}"),
        "{sdl}"
    );
    assert!(
        sdl.contains("input BookCreateInput {\n  authorId: ID!\n"),
        "{sdl}"
    );
    assert!(sdl.contains("  state: BookState\n"), "{sdl}");
    assert!(sdl.contains("  title: String!\n"), "{sdl}");
    assert!(
        sdl.contains("input BookPatchInput {\n  authorId: ID\n"),
        "{sdl}"
    );
    assert!(sdl.contains("  books(first: Int, after: String, sort: String, filter: BookFilter): BookConnection!\n"), "{sdl}");
    assert!(sdl.contains("  deleteBook(id: ID!): ID!\n"), "{sdl}");
    // Scalars only when some type names them.
    assert!(sdl.contains("scalar DateTime"), "{sdl}");
    assert!(!sdl.contains("scalar Decimal"), "{sdl}");
    assert!(
        sdl.ends_with("schema {\n  query: Query\n  mutation: Mutation\n}\n"),
        "{sdl}"
    );
}

/// A name whose plural is itself lists under `…List`, so its two root fields differ.
#[test]
fn a_plural_like_its_singular_lists_under_its_own_name() {
    let sdl = sdl_of(
        "[project]\ngraphql = true\n[resources.series.fields]\ntitle = { type = \"string\" }\n",
    );
    assert!(sdl.contains("  series(id: ID!): Series\n"), "{sdl}");
    assert!(sdl.contains("  seriesList(first: Int"), "{sdl}");
}

/// A description GraphQL's block strings cannot hold as it is: control characters become
/// spaces, `"""` is escaped; the Rust literal of it is a valid one.
#[test]
fn descriptions_are_made_fit_for_a_block_string() {
    assert_eq!(
        super::block_text("a\r\nb\u{1b}c \"\"\" d"),
        "a\nb c \\\"\"\" d"
    );
}
