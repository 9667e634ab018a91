//! `migrator demo [--dir D]`: the main job shown end to end on two sample servers, in a folder
//! of its own.
//!
//! The demo is a list of steps run in order; each step reads and adds to the shared [`Demo`]
//! state, so later steps (export, plan, import) are appended to [`STEPS`] without changing the
//! earlier ones. The folder is marked as the demo's; a later run clears it, and a folder the
//! demo did not make is never touched.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Instant;

use migrator_core::sample::{self, Size};
use migrator_core::version::CicVersion;
use migrator_core::{Error, ErrorKind, Result};

use crate::{sample as sample_cmd, server_info};

/// The file that marks a folder as made by the demo.
const MARKER: &str = ".migrator-demo";

/// Options of `demo`.
#[derive(clap::Args)]
pub struct Args {
    /// The demo's own folder; made when missing, cleared when an earlier demo made it.
    #[arg(long, default_value = "demo-out")]
    dir: PathBuf,
    /// The size of the two sample servers.
    #[arg(long, default_value = "medium")]
    size: Size,
}

/// What the steps share.
pub struct Demo {
    /// The demo's folder.
    pub dir: PathBuf,
    /// The source server image: CIC 2016 R1 "calliope", site Indy.
    pub source: PathBuf,
    /// The target server image: CIC 2023 R3 "helios", site Chicago.
    pub target: PathBuf,
    /// The size of the sample servers.
    pub size: Size,
}

/// One step of the demo.
struct Step {
    title: &'static str,
    run: fn(&mut Demo) -> Result<()>,
}

/// The steps, in order.
const STEPS: &[Step] = &[
    Step {
        title: "build the source server: CIC 2016 R1 \"calliope\", site Indy",
        run: build_source,
    },
    Step {
        title: "build the target server: CIC 2023 R3 \"helios\", site Chicago",
        run: build_target,
    },
    Step {
        title: "compare the two servers (migrator server-info)",
        run: |demo| server_info::show_side_by_side(&[&demo.source, &demo.target]),
    },
];

/// Runs every step.
pub fn run(args: Args) -> Result<u8> {
    let started = Instant::now();
    let mut demo = prepare(&args.dir, args.size)?;
    for (number, step) in STEPS.iter().enumerate() {
        println!(
            "\n== step {} of {}: {}",
            number + 1,
            STEPS.len(),
            step.title
        );
        (step.run)(&mut demo)?;
    }
    println!(
        "\ndemo finished in {:.1} s; everything is in {}",
        started.elapsed().as_secs_f64(),
        demo.dir.display()
    );
    Ok(0)
}

/// Makes the demo folder ready: created and marked, or cleared when an earlier demo made it.
fn prepare(dir: &Path, size: Size) -> Result<Demo> {
    if dir.exists() {
        if dir.join(MARKER).is_file() {
            fs::remove_dir_all(dir).map_err(|e| Error::io("clearing", dir, e))?;
        } else if !is_empty_dir(dir)? {
            return Err(Error::new(
                ErrorKind::Refused,
                format!("{} holds files the demo did not make", dir.display()),
            )
            .with_hint("Give another folder with --dir, or remove that one first."));
        }
    }
    fs::create_dir_all(dir).map_err(|e| Error::io("creating", dir, e))?;
    let marker = dir.join(MARKER);
    fs::write(
        &marker,
        "made by migrator demo; the next demo run clears this folder\n",
    )
    .map_err(|e| Error::io("writing", &marker, e))?;
    Ok(Demo {
        dir: dir.to_path_buf(),
        source: dir.join("calliope"),
        target: dir.join("helios"),
        size,
    })
}

fn is_empty_dir(dir: &Path) -> Result<bool> {
    if !dir.is_dir() {
        return Ok(false);
    }
    let mut entries = fs::read_dir(dir).map_err(|e| Error::io("reading", dir, e))?;
    Ok(entries.next().is_none())
}

fn build_source(demo: &mut Demo) -> Result<()> {
    build(&demo.source, demo.size, "2016 R1", "Indy", "calliope")
}

fn build_target(demo: &mut Demo) -> Result<()> {
    build(&demo.target, demo.size, "2023 R3", "Chicago", "helios")
}

fn build(dir: &Path, size: Size, version: &str, site: &str, server: &str) -> Result<()> {
    let version: CicVersion =
        version
            .parse()
            .map_err(|e: migrator_core::version::UnknownVersion| {
                Error::new(ErrorKind::Internal, e.to_string())
            })?;
    let spec = sample_cmd::cic_spec(version, site, server, size);
    let summary = sample::generate(&spec, dir)?;
    sample_cmd::print_headline(&summary);
    Ok(())
}
