//! `backend-gen new`: a project from a spec file or from the interactive session.

use std::fmt::Write as _;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use crate::cli::NewArgs;
use crate::console::cd_into;
use crate::error::{Error, Result};
use crate::pipeline::{History, generate, load_spec, render_project_with};
use crate::spec::{self, Database, Spec};
use crate::{console, context, interactive, output, project_files, render, update};

pub(super) fn new(args: NewArgs) -> Result<()> {
    spec::check_crate_name(&args.name)
        .map_err(|why| Error::Usage(format!("{why}: {:?}", args.name)))?;
    let target = args
        .output
        .clone()
        .unwrap_or_else(|| PathBuf::from(&args.name));
    // Refuse an occupied target now, not after a whole interactive session; a generated
    // project even to a dry run, which would show a generation `new` refuses to write.
    if args.dry_run {
        output::refuse_a_generated_project(&target)?;
    } else {
        output::check_target(&target, args.force)?;
    }
    let (spec, source) = match &args.spec {
        Some(path) => console::timed("read and validate the spec", || load_spec(path))?,
        // `--yes` asks nothing, so it needs no terminal.
        None if args.yes || (std::io::stdin().is_terminal() && std::io::stderr().is_terminal()) => {
            // None: the user saved the spec and quit, and was told where.
            let Some(source) = interactive::session(&args.name, args.yes, args.output.as_deref())?
            else {
                return Ok(());
            };
            let spec =
                spec::parse(project_files::SPEC_FILE, &source).map_err(Error::InvalidSpec)?;
            (spec, source)
        }
        None => {
            return Err(Error::Usage(
                "no terminal to ask questions on: pass the spec with --spec FILE (see `backend-gen init` for an example), or --yes to take every default".into(),
            ));
        }
    };
    if !spec.services.is_empty() {
        return new_split(&args, &spec, &source, &target);
    }
    let overrides = render::Overrides::load(
        &args
            .templates
            .clone()
            .unwrap_or_else(|| target.join(project_files::TEMPLATES_DIR)),
    )?;
    if args.dry_run {
        let files = render_project_with(&args.name, &spec, &source, &overrides, History::NEW)?;
        print!("{}", files.tree());
        println!(
            "{} (dry run: nothing written)",
            console::count(files.len(), "file", "files")
        );
        return Ok(());
    }
    let mut files = generate(&args.name, &spec, &source, &overrides, History::NEW)?;
    update::remember(&mut files, &args.name, &spec, &source, History::NEW);
    let bar = output::progress_bar();
    let summary = console::timed("write the project", || {
        files.write(&target, args.force, &bar)
    })?;
    bar.finish_and_clear();
    let mut said = format!(
        "Generated {} in {} ({} written)\n",
        args.name,
        target.display(),
        console::count(summary.written, "file", "files")
    );
    for kept in &summary.kept {
        let _ = writeln!(said, "  kept your {kept}");
    }
    said.push_str(&next_steps(&args.name, &spec, &target));
    console::status(&said);
    Ok(())
}

/// `new` for a split spec: each service a project of its own in a folder named after it,
/// generated from its part of the spec, all written at once (nothing when one fails); the
/// whole spec at the top, and a README that says how the services find each other.
fn new_split(args: &NewArgs, spec: &Spec, source: &str, target: &Path) -> Result<()> {
    let services = crate::split::project(spec, source)?;
    for service in &services {
        output::refuse_a_generated_project(&target.join(&service.name))?;
    }
    let mut files = output::FileSet::default();
    let mut documents: Vec<(String, String)> = Vec::new();
    for service in &services {
        let overrides = render::Overrides::load(&args.templates.clone().unwrap_or_else(|| {
            target
                .join(&service.name)
                .join(project_files::TEMPLATES_DIR)
        }))?;
        let mut generated = if args.dry_run {
            render_project_with(
                &service.name,
                &service.spec,
                &service.source,
                &overrides,
                History::NEW,
            )?
        } else {
            generate(
                &service.name,
                &service.spec,
                &service.source,
                &overrides,
                History::NEW,
            )?
        };
        update::remember(
            &mut generated,
            &service.name,
            &service.spec,
            &service.source,
            History::NEW,
        );
        if let Some(document) = generated.get(crate::openapi::FILE) {
            documents.push((service.name.clone(), document.contents.clone()));
        }
        files.nest(&service.name, generated);
    }
    let title = spec.project.name.as_deref().unwrap_or(&args.name);
    files.nest(
        crate::gateway::FOLDER,
        crate::gateway::generate(title, spec, &services, &documents)?,
    );
    files.insert(project_files::SPEC_FILE, source, output::Owner::Team);
    files.insert(
        "README.md",
        crate::split::readme(title, spec, &services),
        output::Owner::Generator,
    );
    files.insert(
        crate::split_deploy::RUN_ALL,
        crate::split_deploy::run_all(spec, &services),
        output::Owner::Generator,
    );
    files.insert(
        "docker-compose.yml",
        crate::split_deploy::compose(spec, &services),
        output::Owner::Generator,
    );
    // One Cargo workspace: one lock and one build folder for every member.
    for (path, text) in crate::split_deploy::workspace_files(spec, &services)? {
        files.insert(path, text, output::Owner::Generator);
    }
    let names: Vec<&str> = services.iter().map(|s| s.name.as_str()).collect();
    for (path, text) in crate::split_kubernetes::overlays(title, &names) {
        files.insert(path, text, output::Owner::Generator);
    }
    // The gateway's TypeScript client's packages and build (`npm install`, `npm run build`).
    let ignored = "/target\nnode_modules\n/gateway/clients/typescript/dist\n";
    files.insert(".gitignore", ignored, output::Owner::Generator);
    if args.dry_run {
        print!("{}", files.tree());
        println!(
            "{} (dry run: nothing written)",
            console::count(files.len(), "file", "files")
        );
        return Ok(());
    }
    let bar = output::progress_bar();
    let summary = console::timed("write the services", || {
        files.write(target, args.force, &bar)
    })?;
    bar.finish_and_clear();
    let mut said = format!(
        "Generated {} in {} ({} written): the services {}\n",
        args.name,
        target.display(),
        console::count(summary.written, "file", "files"),
        names.join(", ")
    );
    for kept in &summary.kept {
        let _ = writeln!(said, "  kept your {kept}");
    }
    let _ = write!(
        said,
        "\nNext:\n{}  cat README.md       # how the services find each other, and how to run them\n",
        cd_into(target)
    );
    console::status(&said);
    Ok(())
}

/// What to do after `new`, for this spec: where the data lives (PostgreSQL
/// needs a server), and with jwt how the first admin is made and which
/// secrets production needs.
fn next_steps(name: &str, spec: &Spec, target: &Path) -> String {
    // Comments line up after the longest command, `cargo run`'s.
    const MORE: &str = "                     #";
    let lib_name = name.replace('-', "_");
    let mut out = format!("\nNext:\n{}", cd_into(target));
    let _ = match spec.project.database {
        Database::Sqlite => writeln!(
            out,
            "  cargo run          # serves on http://127.0.0.1:8080, data in data/{lib_name}.db\n  \
             cargo test         # its own tests, each on a fresh SQLite file"
        ),
        Database::Postgres => writeln!(
            out,
            "  cargo run          # serves on http://127.0.0.1:8080; needs a PostgreSQL server at\n\
             {MORE} {} (or set DATABASE_URL)\n  \
             cargo test         # its own tests, on SQLite; TEST_DATABASE_URL=postgres://...\n\
             {MORE} runs them on that PostgreSQL server",
            context::default_database_url(spec.project.database, &lib_name)
        ),
    };
    let mut secrets = vec!["CURSOR_SECRET".to_owned()];
    if spec.has_accounts() {
        let _ = writeln!(
            out,
            "  # sign up (POST {}/auth/register), then make that account the first admin:\n  \
             cargo run -- grant-role you@example.com {}",
            spec.project.api_prefix, spec.auth.admin_role
        );
        secrets.push("JWT_SECRET (at least 32 random bytes)".to_owned());
    } else if let Some(service) = &spec.auth.accounts {
        secrets.push(format!("JWT_SECRET (the {service} service's)"));
    }
    if spec.has_personal() {
        secrets.push("PERSONAL_DATA_KEYS (the key ring of personal fields)".to_owned());
    }
    if spec.has_accounts() && spec.auth.has_providers() {
        secrets.push(
            "each identity provider's OIDC_<NAME>_CLIENT_ID and _CLIENT_SECRET, with PUBLIC_URL and SIGN_IN_REDIRECT_URLS (docs/sign-in-with-providers.md)"
                .to_owned(),
        );
    }
    // Where the other services are whose rows fields refer to.
    secrets.extend(
        spec.referenced_services()
            .into_iter()
            .map(spec::Reference::url_variable),
    );
    let secrets = match secrets.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
        None => String::new(),
    };
    let _ = writeln!(
        out,
        "\nIn production (APP_ENV=production) set {secrets};\n.env.example lists every setting."
    );
    out
}
