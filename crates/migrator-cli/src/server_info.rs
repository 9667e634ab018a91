//! `migrator server-info DIR [--json]`: a server image's identity and item counts.

use std::path::{Path, PathBuf};

use migrator_core::server::counts::{self, Counts};
use migrator_core::server::{self, Identity, ServerImage};
use migrator_core::Result;
use serde::Serialize;

/// Options of `server-info`.
#[derive(clap::Args)]
pub struct Args {
    /// The server image folder.
    dir: PathBuf,
    /// Print JSON for programs.
    #[arg(long)]
    json: bool,
}

/// What `server-info` reports.
#[derive(Serialize)]
struct Info {
    #[serde(flatten)]
    identity: Identity,
    counts: Counts,
}

/// Prints the identity and counts of the image in `args.dir`.
pub fn run(args: Args) -> Result<u8> {
    let info = read(&args.dir)?;
    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&info).expect("server info serializes")
        );
    } else {
        print!("{}", render(&info.identity, &info.counts));
    }
    Ok(0)
}

/// Prints the identity and counts of several images side by side, one column each (used by
/// `demo`).
pub fn show_side_by_side(dirs: &[&Path]) -> Result<()> {
    let infos = dirs
        .iter()
        .map(|dir| read(dir))
        .collect::<Result<Vec<_>>>()?;
    let mut rows: Vec<(String, Vec<String>)> = vec![
        row("server", &infos, |i| i.identity.server.clone()),
        row("site", &infos, |i| i.identity.site.clone()),
        row("version", &infos, |i| i.identity.version.to_string()),
        row("kind", &infos, |i| {
            i.identity.kind.product_name().to_string()
        }),
        row("install", &infos, |i| i.identity.install_path.clone()),
    ];
    if let Some(first) = infos.first() {
        for (name, _) in first.counts.iter() {
            let cells = infos.iter().map(|i| count_cell(&i.counts, name)).collect();
            rows.push((name.to_string(), cells));
        }
    }
    print!("{}", columns(&rows));
    Ok(())
}

fn row(label: &str, infos: &[Info], cell: impl Fn(&Info) -> String) -> (String, Vec<String>) {
    (label.to_string(), infos.iter().map(cell).collect())
}

fn count_cell(counts: &Counts, name: &str) -> String {
    counts
        .get(name)
        .map_or_else(|| "-".to_string(), |n| n.to_string())
}

/// Rows of a label and cells, aligned in columns.
fn columns(rows: &[(String, Vec<String>)]) -> String {
    let label_width = rows.iter().map(|(label, _)| label.len()).max().unwrap_or(0);
    let cell_width = rows
        .iter()
        .flat_map(|(_, cells)| cells.iter().map(String::len))
        .max()
        .unwrap_or(0);
    let mut text = String::new();
    for (label, cells) in rows {
        text.push_str(&format!("  {label:<label_width$}"));
        for cell in cells {
            text.push_str(&format!("  {cell:>cell_width$}"));
        }
        text.push('\n');
    }
    text
}

fn read(dir: &Path) -> Result<Info> {
    let image = ServerImage::open(dir)?;
    let tree = image.load_registry()?;
    let identity = server::identity(&tree, image.registry_file())?;
    let counts = counts::count(&tree, &identity, &image.install_dir())?;
    Ok(Info { identity, counts })
}

fn render(identity: &Identity, counts: &Counts) -> String {
    let mut text = format!("server:  {}\n", identity.server);
    if !identity.site.is_empty() {
        text.push_str(&format!("site:    {}\n", identity.site));
    }
    text.push_str(&format!("version: {}\n", identity.version));
    text.push_str(&format!("kind:    {}\n", identity.kind.product_name()));
    text.push_str(&format!("install: {}\n", identity.install_path));
    text.push_str("counts:\n");
    text.push_str(&counts_table(counts));
    text
}

/// The counts as an aligned two-column table, one container a line.
pub fn counts_table(counts: &Counts) -> String {
    let width = counts.iter().map(|(name, _)| name.len()).max().unwrap_or(0);
    counts
        .iter()
        .map(|(name, count)| format!("  {name:<width$}  {count:>8}\n"))
        .collect()
}
