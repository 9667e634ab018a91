//! `migrator sample`: writes a realistic, reproducible sample server image.

use std::path::PathBuf;

use migrator_core::sample::{self, SampleSpec, SampleSummary, Size};
use migrator_core::server::ServerKind;
use migrator_core::version::CicVersion;
use migrator_core::{Error, ErrorKind, Result};

use crate::server_info::counts_table;

/// The kind of server to make.
#[derive(Clone, Copy, clap::ValueEnum)]
enum Kind {
    /// A CIC server.
    Cic,
    /// An Interaction Media Server.
    Media,
}

/// Options of `sample`.
#[derive(clap::Args)]
pub struct Args {
    /// The kind of server.
    #[arg(long, value_enum, default_value = "cic")]
    kind: Kind,
    /// The CIC release, such as "2018 R5".
    #[arg(long)]
    version: CicVersion,
    /// The CIC site name (CIC servers only).
    #[arg(long)]
    site: Option<String>,
    /// The server's host name.
    #[arg(long)]
    server: String,
    /// small (tests, training), medium (a few hundred users) or large (benchmarks).
    #[arg(long, default_value = "small")]
    size: Size,
    /// Varies the content; the same options always give the same files.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// A CIC server a Media Server is paired with; repeat for several.
    #[arg(long = "command-server", value_name = "NAME")]
    command_servers: Vec<String>,
    /// The folder to create; it must be missing or empty.
    #[arg(long)]
    out: PathBuf,
    /// Print what was generated as JSON.
    #[arg(long)]
    json: bool,
}

/// Writes the sample and reports what it holds.
pub fn run(args: Args) -> Result<u8> {
    let spec = spec(&args)?;
    let summary = sample::generate(&spec, &args.out)?;
    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&summary).expect("summary serializes")
        );
    } else {
        print!("{}", render(&summary));
    }
    Ok(0)
}

fn spec(args: &Args) -> Result<SampleSpec> {
    let kind = match args.kind {
        Kind::Cic => ServerKind::Cic,
        Kind::Media => ServerKind::Media,
    };
    let site = match (kind, &args.site) {
        (_, Some(site)) => site.clone(),
        (ServerKind::Media, None) => String::new(),
        (ServerKind::Cic, None) => {
            return Err(
                Error::new(ErrorKind::Usage, "a CIC sample needs a site name")
                    .with_hint("Add --site, such as --site Indy."),
            )
        }
    };
    Ok(SampleSpec {
        kind,
        version: args.version,
        site,
        server: args.server.clone(),
        size: args.size,
        seed: args.seed,
        command_servers: args.command_servers.clone(),
    })
}

fn render(summary: &SampleSummary) -> String {
    format!("{}{}", headline(summary), counts_table(&summary.counts))
}

/// What was written, in two lines.
fn headline(summary: &SampleSummary) -> String {
    let id = &summary.identity;
    let site = if id.site.is_empty() {
        String::new()
    } else {
        format!(", site {}", id.site)
    };
    format!(
        "wrote a {} {} sample {:?}{site}, release {}, seed {} to {}\n  \
         {} files, {}; registry: {} keys, {} values\n",
        summary.size,
        id.kind.product_name(),
        id.server,
        id.version,
        summary.seed,
        summary.dir.display(),
        summary.files,
        megabytes(summary.bytes),
        summary.registry_keys,
        summary.registry_values,
    )
}

/// A byte count for people, such as `12.3 MB`.
fn megabytes(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / 1_000_000.0)
}

/// A spec for other commands that build samples (the demo).
pub fn cic_spec(version: CicVersion, site: &str, server: &str, size: Size) -> SampleSpec {
    SampleSpec {
        kind: ServerKind::Cic,
        version,
        site: site.to_string(),
        server: server.to_string(),
        size,
        seed: 0,
        command_servers: Vec::new(),
    }
}

/// Prints what was written, without the counts (the demo shows them side by side).
pub fn print_headline(summary: &SampleSummary) {
    print!("{}", headline(summary));
}
