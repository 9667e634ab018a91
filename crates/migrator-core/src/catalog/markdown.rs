//! The reference page of the catalog, `docs/COMPONENTS.md`, generated from the data so that
//! the page and the code cannot drift apart (a test compares them).

use std::fmt::Write;

use super::{table, Component, Priority};
use crate::layout;
use crate::server::ServerKind;

/// The whole page, in Markdown.
pub fn markdown() -> String {
    let mut page = String::new();
    page.push_str(HEADER);
    for kind in [ServerKind::Cic, ServerKind::Media] {
        let _ = writeln!(page, "\n## {} components\n", kind.product_name());
        components_table(&mut page, kind);
    }
    page.push_str("\n## Interdependencies\n\n");
    page.push_str("Selecting a component on the left selects the ones on the right, ");
    page.push_str("until nothing more is added.\n\n");
    page.push_str("| when any of | selects | why |\n|---|---|---|\n");
    for rule in table::PULLS {
        let _ = writeln!(
            page,
            "| {} | {} | {} |",
            names(rule.when),
            names(rule.pulls),
            rule.reason
        );
    }
    for kind in [ServerKind::Cic, ServerKind::Media] {
        let _ = writeln!(page, "\n## Import order, {}\n", kind.product_name());
        order_table(&mut page, table::import_order(kind));
    }
    page.push_str(FOOTER);
    page
}

const HEADER: &str = "\
# Data components

This page is generated from the catalog in `crates/migrator-core/src/catalog/table.rs`;
regenerate it with `migrator nodes --markdown > docs/COMPONENTS.md`.

A component (a \"node\") is what `--nodes` selects. Names are matched without regard to case;
`<SERVER>` stands for the server's name (`calliope\\IP` and `<SERVER>\\IP` both work). Registry
locations are relative to `HKLM\\SOFTWARE\\Interactive Intelligence`, with `<SITE>` for the
site; files are relative to the install root `I3\\IC`.

Import policies: *overwrite* is the Directory Services overwrite mode (imported values replace
the target's, keys and values only the target has stay, nothing is deleted); existing files
are kept unless the component says *overwrite files*.
";

const FOOTER: &str = "
## Never exported

The CIC licence file, the approvals of configuration certificates and the Setup Assistant
state stay on their server; the import report lists what to redo by hand.
";

fn components_table(page: &mut String, kind: ServerKind) {
    page.push_str("| component | holds | registry | files | releases | refers to | import |\n");
    page.push_str("|---|---|---|---|---|---|---|\n");
    for component in super::all().iter().filter(|c| c.kind == kind) {
        let _ = writeln!(
            page,
            "| {} | {} | {} | {} | {} | {} | {} |",
            cell(&title(component)),
            cell(component.summary),
            registry(component),
            files(component),
            component.versions.describe(),
            cell(&names(component.depends_on)),
            cell(&policy(component)),
        );
    }
}

fn title(component: &Component) -> String {
    if component.aliases.is_empty() {
        format!("**{}**", component.name)
    } else {
        format!(
            "**{}** (also {})",
            component.name,
            component.aliases.join(", ")
        )
    }
}

fn registry(component: &Component) -> String {
    let short = |path: &str| {
        path.strip_prefix(layout::DS_ROOT)
            .map(|rest| format!("DS Root{rest}"))
            .unwrap_or_else(|| path.to_string())
    };
    let subtrees = component
        .subtrees()
        .map(|path| format!("`{}`", short(path)));
    let values = component
        .values_of
        .iter()
        .map(|path| format!("`{}` (its values only)", short(path)));
    let paths: Vec<String> = subtrees.chain(values).collect();
    dash_if_empty(paths.join("<br>"))
}

fn files(component: &Component) -> String {
    let files: Vec<String> = component
        .files
        .iter()
        .map(|source| format!("`{}`", source.describe()))
        .collect();
    dash_if_empty(files.join("<br>"))
}

fn policy(component: &Component) -> String {
    let mut parts = vec![component.import.registry.describe().to_string()];
    if !component.files.is_empty()
        && component.import.files == crate::incoming::FilePolicy::Overwrite
    {
        parts.push("overwrite files".to_string());
    }
    parts.extend(
        component
            .import
            .special
            .iter()
            .map(|s| s.describe().to_string()),
    );
    parts.join("; ")
}

fn order_table(page: &mut String, order: &[Priority]) {
    page.push_str("| # | component | why here |\n|---|---|---|\n");
    for (index, entry) in order.iter().enumerate() {
        let _ = writeln!(
            page,
            "| {} | {} | {} |",
            index + 1,
            cell(entry.component),
            entry.reason
        );
    }
}

fn names(names: &[&str]) -> String {
    dash_if_empty(names.join(", "))
}

fn dash_if_empty(text: String) -> String {
    if text.is_empty() {
        "—".to_string()
    } else {
        text
    }
}

/// Escapes what Markdown would read as markup inside a table cell.
fn cell(text: &str) -> String {
    text.replace('|', "\\|")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}
