//! `migrator nodes [--server DIR] [--json] [--markdown]`: the data components a server has,
//! with what each pulls in.

use std::path::PathBuf;

use migrator_core::catalog::{self, ComponentView, Scope};
use migrator_core::server::{self, ServerImage};
use migrator_core::Result;

/// Options of `nodes`.
#[derive(clap::Args)]
pub struct Args {
    /// A server image: list only the components of its kind and release, with its name.
    #[arg(long, value_name = "DIR")]
    server: Option<PathBuf>,
    /// Print JSON for programs.
    #[arg(long, conflicts_with = "markdown")]
    json: bool,
    /// Print the reference page docs/COMPONENTS.md.
    #[arg(long, conflicts_with = "server")]
    markdown: bool,
}

/// Lists the components.
pub fn run(args: Args) -> Result<u8> {
    if args.markdown {
        print!("{}", catalog::markdown::markdown());
        return Ok(0);
    }
    let (scope, heading) = match &args.server {
        Some(dir) => {
            let image = ServerImage::open(dir)?;
            let tree = image.load_registry()?;
            let identity = server::identity(&tree, image.registry_file())?;
            let heading = format!(
                "{} {} ({})",
                identity.kind.product_name(),
                identity.server,
                identity.version
            );
            (Scope::of(&identity), Some(heading))
        }
        None => (Scope::default(), None),
    };
    let views = catalog::describe(&scope);
    if args.json {
        let json = serde_json::to_string_pretty(&views).expect("component views serialize");
        println!("{json}");
    } else {
        print_text(&views, heading.as_deref());
    }
    Ok(0)
}

fn print_text(views: &[ComponentView], heading: Option<&str>) {
    let width = views
        .iter()
        .map(|v| v.name.chars().count())
        .max()
        .unwrap_or(0);
    let mut kind = None;
    for view in views {
        if kind != Some(view.kind) {
            kind = Some(view.kind);
            let title = heading.map_or_else(
                || format!("{} components", view.kind.product_name()),
                |heading| format!("components of {heading}"),
            );
            println!(
                "{}{title}:",
                if view.kind == views[0].kind { "" } else { "\n" }
            );
        }
        let line = format!("  {:width$}  {}", view.name, pulls(view));
        println!("{}", line.trim_end());
    }
}

fn pulls(view: &ComponentView) -> String {
    if view.pulls.is_empty() {
        return String::new();
    }
    let names: Vec<&str> = view.pulls.iter().map(|p| p.name.as_str()).collect();
    format!("pulls in {}", names.join(", "))
}
