//! A sample server in memory while it is being generated: its registry tree, its files (large
//! prompts only as descriptions) and the count of what was generated per container.
//!
//! The content modules add to it through [`Builder`], which resolves [`layout`] paths for the
//! sample's site and server and keeps the counts; [`Entry`] builds one registry key value by
//! value.

use std::io::{self, Write};

use rand::SeedableRng;

use super::names::SampleRng;
use super::wave::Wave;
use super::{SampleSpec, Scale};
use crate::layout;
use crate::registry::{Key, RegTree, Value};
use crate::server::counts::{Container, Counts};
use crate::version::CicVersion;

/// The content of one file of a sample.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FileContent {
    /// Bytes held in memory.
    Bytes(Vec<u8>),
    /// A prompt recording, generated while it is written.
    Wave(Wave),
}

impl FileContent {
    /// The file's length in bytes.
    pub fn len(&self) -> u64 {
        match self {
            FileContent::Bytes(bytes) => bytes.len() as u64,
            FileContent::Wave(wave) => wave.file_len(),
        }
    }

    /// Whether the file is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Writes the whole content.
    pub fn write_to(&self, out: &mut dyn Write) -> io::Result<()> {
        match self {
            FileContent::Bytes(bytes) => out.write_all(bytes),
            FileContent::Wave(wave) => wave.write_to(out),
        }
    }
}

/// One file of a sample's install tree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SampleFile {
    /// Its path relative to the install root (`I3\IC`), `\`-separated.
    pub path: String,
    /// What it holds.
    pub content: FileContent,
}

/// A generated sample server, before it is written.
#[derive(Clone, Debug)]
pub struct SampleImage {
    /// The registry, absolute paths under `HKEY_LOCAL_MACHINE\SOFTWARE\Interactive
    /// Intelligence`.
    pub tree: RegTree,
    /// The install tree's files, sorted by path.
    pub files: Vec<SampleFile>,
    /// What was generated, per container of [`crate::server::counts`].
    pub counts: Counts,
}

/// Collects a sample's registry, files and counts while the content modules generate them.
pub struct Builder<'a> {
    /// The sample's random source.
    pub rng: SampleRng,
    /// What the sample was asked to be.
    pub spec: &'a SampleSpec,
    /// How many items of each kind to make.
    pub scale: &'static Scale,
    /// The Windows install root, such as `D:\I3\IC`.
    pub install_path: String,
    tree: RegTree,
    files: Vec<SampleFile>,
    counts: Counts,
}

impl<'a> Builder<'a> {
    /// An empty sample for `spec`, seeded from everything in it.
    pub fn new(spec: &'a SampleSpec) -> Builder<'a> {
        let mut rng = SampleRng::seed_from_u64(spec.stream_seed());
        let drive = if rand::Rng::gen_bool(&mut rng, 0.7) {
            'D'
        } else {
            'C'
        };
        Builder {
            rng,
            spec,
            scale: spec.size.scale(),
            install_path: format!("{drive}:\\I3\\IC"),
            tree: RegTree::new(),
            files: Vec::new(),
            counts: Counts::zero(spec.kind),
        }
    }

    /// The site name.
    pub fn site(&self) -> &str {
        &self.spec.site
    }

    /// The server name.
    pub fn server(&self) -> &str {
        &self.spec.server
    }

    /// The release.
    pub fn version(&self) -> CicVersion {
        self.spec.version
    }

    /// A random date and time no later than the release's year.
    pub fn timestamp(&mut self) -> (u32, u32, u32, u32, u32, u32) {
        super::names::timestamp(&mut self.rng, self.spec.version.year)
    }

    /// The Windows path of an install-relative path of [`layout`].
    pub fn install(&self, relative: &str) -> String {
        format!("{}\\{relative}", self.install_path)
    }

    /// The key at a [`layout`] path, created when missing.
    pub fn key(&mut self, layout_path: &str) -> &mut Key {
        let path = layout::resolve(layout_path, &self.spec.site, &self.spec.server);
        let absolute = format!("{}\\{path}", layout::II_KEY);
        self.tree.ensure(&absolute)
    }

    /// Attaches `entry` under the key at a [`layout`] path.
    pub fn put(&mut self, layout_path: &str, entry: Entry) {
        self.key(layout_path).insert_subkey(entry.0);
    }

    /// Sets values on the key at a [`layout`] path.
    pub fn set(&mut self, layout_path: &str, entry: Entry) {
        let key = self.key(layout_path);
        for value in entry.0.values() {
            key.set_value(value.clone());
        }
    }

    /// Adds a file at an install-relative path.
    pub fn file(&mut self, relative: String, content: FileContent) {
        self.files.push(SampleFile {
            path: relative,
            content,
        });
    }

    /// Records that `n` items of `container` were generated.
    pub fn count(&mut self, container: Container, n: usize) {
        self.counts.add(container.name, n);
    }

    /// The finished sample: subkeys sorted as the registry enumerates them, files by path.
    pub fn finish(self) -> SampleImage {
        let mut tree = RegTree::new();
        *tree.root_mut() = sorted(self.tree.root());
        let mut files = self.files;
        files.sort_by(|a, b| a.path.cmp(&b.path));
        SampleImage {
            tree,
            files,
            counts: self.counts,
        }
    }
}

/// A copy of `key` whose subkeys, at every level, are in the order Windows enumerates them
/// (by upper-case name); values keep the order they were set in, as in a real registry.
fn sorted(key: &Key) -> Key {
    let mut copy = Key::new(key.name());
    for value in key.values() {
        copy.set_value(value.clone());
    }
    let mut children: Vec<&Key> = key.subkeys().collect();
    children.sort_by_cached_key(|child| child.name().to_uppercase());
    for child in children {
        copy.insert_subkey(sorted(child));
    }
    copy
}

/// One registry key being filled in, value by value.
#[derive(Clone, Debug)]
pub struct Entry(pub Key);

impl Entry {
    /// A key named `name` with no values yet.
    pub fn new(name: &str) -> Entry {
        Entry(Key::new(name))
    }

    /// Adds a REG_SZ value.
    pub fn sz(mut self, name: &str, text: &str) -> Entry {
        self.0.set_value(Value::sz(name, text));
        self
    }

    /// Adds a REG_SZ value `Yes` or `No`, as DS stores flags.
    pub fn flag(self, name: &str, on: bool) -> Entry {
        self.sz(name, if on { "Yes" } else { "No" })
    }

    /// Adds a REG_EXPAND_SZ value.
    pub fn expand(mut self, name: &str, text: &str) -> Entry {
        self.0.set_value(Value::expand_sz(name, text));
        self
    }

    /// Adds a REG_MULTI_SZ value.
    pub fn multi<S: AsRef<str>>(mut self, name: &str, items: &[S]) -> Entry {
        self.0.set_value(Value::multi_sz(name, items));
        self
    }

    /// Adds a REG_DWORD value.
    pub fn dword(mut self, name: &str, number: u32) -> Entry {
        self.0.set_value(Value::dword(name, number));
        self
    }

    /// Adds a REG_BINARY value.
    pub fn binary(mut self, name: &str, bytes: Vec<u8>) -> Entry {
        self.0.set_value(Value::binary(name, bytes));
        self
    }
}
