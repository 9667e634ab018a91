//! Sample servers: realistic, reproducible server images of a CIC server or an Interaction
//! Media Server, for training, demonstrations, tests and benchmarks.
//!
//! [`generate`] writes an image (`registry.reg` plus the `I3/IC` install tree) for a
//! [`SampleSpec`]; the same spec always gives byte-identical files. Every registry path and
//! value name comes from [`crate::layout`], and what differs between releases follows
//! [`crate::version`]: user status in the user entry or under Live Data, attendant language
//! folders `fr-fr` or `fr`, the dial plan classification class, the deprecated queue
//! parameters. The content is made by one module per area (people, telephony, parameters,
//! attendant, resources, services, site-wide settings, places, media), each recording what it
//! made under the container names of [`crate::server::counts`], so that a reader of the image
//! can be checked against it.

mod attendant;
mod image;
mod media;
mod names;
mod parameters;
mod people;
mod places;
mod resources;
mod scale;
mod services;
mod site;
mod telephony;
mod wave;
mod writer;

use std::path::{Path, PathBuf};

use serde::Serialize;

pub use attendant::language_folder;
pub use image::{FileContent, SampleFile, SampleImage};
pub use scale::{Scale, Size};
pub use wave::Wave;

use crate::error::{Error, ErrorKind, Result};
use crate::server::counts::Counts;
use crate::server::{Identity, ServerKind};
use crate::version::CicVersion;

/// What sample server to make.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SampleSpec {
    /// CIC server or Media Server.
    pub kind: ServerKind,
    /// The release it runs.
    pub version: CicVersion,
    /// The CIC site name; not used for a Media Server.
    pub site: String,
    /// The server (host) name.
    pub server: String,
    /// How much it holds.
    pub size: Size,
    /// Varies the content while keeping it reproducible.
    pub seed: u64,
    /// For a Media Server: the CIC servers it is paired with; chosen by the generator when
    /// empty.
    pub command_servers: Vec<String>,
}

impl SampleSpec {
    /// Checks the names: a server name is a host name (letters, digits, hyphens); a site name
    /// may also hold spaces, dots and underscores; neither may hold a backslash, as both
    /// become registry key names.
    pub fn validate(&self) -> Result<()> {
        check_host(&self.server, "server")?;
        for name in &self.command_servers {
            check_host(name, "command server")?;
        }
        match self.kind {
            ServerKind::Cic => check_site(&self.site),
            ServerKind::Media => Ok(()),
        }
    }

    /// The seed of the random stream: the user's seed mixed with everything else in the
    /// spec, so that two servers of one demo differ but each is reproducible.
    fn stream_seed(&self) -> u64 {
        let text = format!(
            "{}|{}|{}|{}|{}|{}|{}",
            self.kind.as_str(),
            self.version,
            self.site,
            self.server,
            self.size,
            self.seed,
            self.command_servers.join(",")
        );
        fnv1a(text.as_bytes())
    }
}

/// FNV-1a: a hash whose value never changes between builds, unlike the standard library's.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

fn check_host(name: &str, what: &str) -> Result<()> {
    let valid = (1..=63).contains(&name.len())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        && !name.starts_with('-')
        && !name.ends_with('-');
    if valid {
        return Ok(());
    }
    Err(
        Error::new(ErrorKind::Usage, format!("invalid {what} name {name:?}"))
            .with_hint("Use a host name: 1 to 63 letters, digits or hyphens, such as calliope."),
    )
}

fn check_site(site: &str) -> Result<()> {
    let valid = (1..=64).contains(&site.len())
        && site
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, ' ' | '-' | '_' | '.'))
        && site.trim() == site;
    if valid {
        return Ok(());
    }
    Err(Error::new(ErrorKind::Usage, format!("invalid site name {site:?}")).with_hint(
        "Give --site: 1 to 64 letters, digits, spaces, dots, hyphens or underscores, such as Indy.",
    ))
}

/// What [`generate`] wrote.
#[derive(Clone, Debug, Serialize)]
pub struct SampleSummary {
    /// The image folder.
    pub dir: PathBuf,
    /// The server the image describes.
    pub identity: Identity,
    /// The size asked for.
    pub size: Size,
    /// The seed asked for.
    pub seed: u64,
    /// What was generated, per container.
    pub counts: Counts,
    /// The number of files in the install tree.
    pub files: usize,
    /// The bytes written, registry file included.
    pub bytes: u64,
    /// The number of registry keys.
    pub registry_keys: usize,
    /// The number of registry values.
    pub registry_values: usize,
}

/// Generates the sample in memory: its registry, its files and what it holds.
pub fn build(spec: &SampleSpec) -> Result<SampleImage> {
    spec.validate()?;
    let mut builder = image::Builder::new(spec);
    match spec.kind {
        ServerKind::Cic => build_cic(&mut builder),
        ServerKind::Media => media::build(&mut builder),
    }
    Ok(builder.finish())
}

fn build_cic(b: &mut image::Builder) {
    services::setup(b);
    let people = people::build(b);
    let telephony = telephony::build(b, &people);
    people::licenses(b, &people, &telephony);
    parameters::build(b);
    let prompts = attendant::prompts(b);
    attendant::build(b, &people, &prompts);
    resources::build(b);
    services::build(b);
    // Last, so that adding these left what the areas above generate as it was.
    site::build(b);
    places::build(b, &telephony);
}

/// The identity the sample's registry describes.
pub fn identity(spec: &SampleSpec, image: &SampleImage) -> Identity {
    let ii = crate::server::ii_key(&image.tree).map(|(_, key)| key);
    let install_path = ii
        .and_then(|key| key.text(crate::layout::TARGET_VALUE))
        .map(|target| crate::server::install_root_from_target(&target))
        .unwrap_or_default();
    Identity {
        server: spec.server.clone(),
        site: match spec.kind {
            ServerKind::Cic => spec.site.clone(),
            ServerKind::Media => String::new(),
        },
        version: spec.version,
        kind: spec.kind,
        install_path,
    }
}

/// Writes the sample server `spec` describes as an image in `out_dir`, which must be missing
/// or empty. Nothing is left behind on failure.
pub fn generate(spec: &SampleSpec, out_dir: &Path) -> Result<SampleSummary> {
    spec.validate()?;
    writer::check_destination(out_dir)?;
    let image = build(spec)?;
    let bytes = writer::write_image(&image, out_dir)?;
    let root = image.tree.root();
    Ok(SampleSummary {
        dir: out_dir.to_path_buf(),
        identity: identity(spec, &image),
        size: spec.size,
        seed: spec.seed,
        counts: image.counts.clone(),
        files: image.files.len(),
        bytes,
        registry_keys: root.key_count() - 1,
        registry_values: root.total_value_count(),
    })
}

#[cfg(test)]
mod tests;
