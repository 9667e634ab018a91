//! A small CIC server image built by hand for the import's tests, and a [`Source`] that
//! "exports" components of an image with the catalog (as the export does) so they can be
//! imported back, with no archive in between.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use crate::catalog::{self, CollectOptions, Scope};
use crate::error::Result;
use crate::incoming::Incoming;
use crate::layout::{self, resolve};
use crate::progress::Progress;
use crate::registry::{regfile, RegTree, Value};
use crate::server::{self, ServerImage};

use super::archive_source::component_incoming;
use super::source::{Origin, Source};

/// The fixture's site.
pub const SITE: &str = "Indy";
/// The fixture's server.
pub const SERVER: &str = "calliope";
/// The fixture's release.
pub const VERSION: &str = "2016 R1";

/// The fixture's registry.
pub fn registry() -> RegTree {
    let mut tree = RegTree::new();
    let root = tree.ensure(layout::II_KEY);
    root.set_value(Value::sz(layout::TARGET_VALUE, "D:\\I3\\IC\\Server\\"));
    root.ensure(layout::SETUP_ASSISTANT)
        .set_value(Value::sz(layout::VERSION_VALUE, VERSION));
    let ds = root.ensure(layout::DS_ROOT);
    ds.set_value(Value::sz(layout::SITE_VALUE, "\\Indy"));
    ds.set_value(Value::sz(
        layout::SERVER_VALUE,
        "\\Indy\\Production\\calliope",
    ));
    let mut entry = |path: &str, name: &str, values: Vec<Value>| {
        let key = root.ensure(&resolve(path, SITE, SERVER)).ensure(name);
        for value in values {
            key.set_value(value);
        }
    };
    entry(
        layout::USERS,
        "alice",
        vec![
            Value::sz("Extension", "1001"),
            Value::sz("Web Password", "pa55word"),
            Value::multi_sz("Workgroups", &["Sales"]),
        ],
    );
    entry(layout::USERS, "bob", vec![Value::sz("Extension", "1002")]);
    entry(
        layout::WORKGROUPS,
        "Sales",
        vec![
            Value::sz("Extension", "2001"),
            Value::multi_sz("Members", &["alice"]),
        ],
    );
    entry(
        layout::WORKSTATIONS,
        "Station1",
        vec![Value::sz("Extension", "3001")],
    );
    entry(
        layout::SERVER_PARAMETERS,
        "Max Threads",
        vec![Value::sz("Value", "8")],
    );
    entry(
        layout::STRUCTURED_PARAMETERS,
        "Vault",
        vec![
            Value::sz("Type", "Secrets"),
            Value::multi_sz("Values", &["s3cr3t-value"]),
        ],
    );
    entry(
        layout::TRACKER,
        "Settings",
        vec![Value::sz("Enabled", "Yes")],
    );
    entry(
        layout::ADMIN_CONFIG,
        "UserInfo",
        vec![Value::multi_sz("Counted Licenses", &["I3_ACCESS"])],
    );
    entry(
        layout::DNIS_MAPPINGS,
        "5551000",
        vec![Value::sz("Extension", "2001")],
    );
    entry(
        layout::DIAL_PLAN,
        "Configuration",
        vec![Value::multi_sz("Classifications", &["Local"])],
    );
    entry(layout::SWITCHOVER, "", vec![Value::sz("Role", "Primary")]);
    tree
}

/// The fixture's files, install-relative with `/`.
pub const FILES: &[(&str, &str)] = &[
    ("Server/DialPlan/plan.xml", "dial plan v1"),
    ("Server/LRA/LRAConfig.xml", "lra v1"),
    ("Handlers/Custom/MyHandler.ihd", "handler"),
    ("Resources/unrelated.ico", "unrelated icon"),
];

/// Writes the fixture image into `dir`.
pub fn write_image(dir: &Path) -> ServerImage {
    write_registry(dir, &registry());
    for (path, content) in FILES {
        write_file(dir, path, content.as_bytes());
    }
    ServerImage::open(dir).unwrap()
}

/// Writes `tree` as the image's registry file.
pub fn write_registry(dir: &Path, tree: &RegTree) {
    let mut bytes = Vec::new();
    regfile::write_export(tree, &mut bytes).unwrap();
    fs::write(dir.join(server::REGISTRY_FILE), bytes).unwrap();
}

/// Writes an install-relative file of the image in `dir`.
pub fn write_file(dir: &Path, relative: &str, bytes: &[u8]) {
    let path = server::install_dir_of(dir).join(relative);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, bytes).unwrap();
}

/// Every file and folder of the image in `dir` except the tool's own folder, with the bytes
/// of each file: what "byte-identical" compares.
pub fn snapshot(dir: &Path) -> BTreeMap<String, Option<Vec<u8>>> {
    let own = server::install_dir_of(dir).join(layout::MIGRATOR_DIR);
    WalkDir::new(dir)
        .into_iter()
        .filter_entry(|entry| entry.path() != own)
        .map(|entry| entry.unwrap())
        .map(|entry| {
            let relative = entry
                .path()
                .strip_prefix(dir)
                .unwrap()
                .display()
                .to_string();
            let bytes = entry
                .file_type()
                .is_file()
                .then(|| fs::read(entry.path()).unwrap());
            (relative, bytes)
        })
        .collect()
}

/// One component taken: its name, registry fragment and `(archive path, copy)` files.
type Taken = (String, RegTree, Vec<(String, PathBuf)>);

/// Components taken from an image as the export takes them, kept in memory and a folder of
/// their own so that later changes to the image do not reach them.
pub struct ImageSource {
    origin: Origin,
    components: Vec<Taken>,
    _files: tempfile::TempDir,
}

impl ImageSource {
    /// Takes the components `nodes` (`all` or names) from `image`.
    pub fn export(image: &ServerImage, nodes: &str) -> ImageSource {
        let tree = image.load_registry().unwrap();
        let identity = server::identity(&tree, image.registry_file()).unwrap();
        let scope = Scope::of(&identity);
        let selection = catalog::select(nodes, &scope).unwrap();
        let options = CollectOptions::default();
        let collection = catalog::collect(image, &tree, &identity, &selection, &options).unwrap();
        let files = tempfile::tempdir().unwrap();
        let mut components = Vec::new();
        for (index, collected) in collection.components.into_iter().enumerate() {
            let mut copies = Vec::new();
            for file in &collected.files {
                let copy = files.path().join(format!("{index}-{}", copies.len()));
                fs::copy(&file.source, &copy).unwrap();
                copies.push((file.archive_path.clone(), copy));
            }
            components.push((collected.name, collected.tree, copies));
        }
        let origin = Origin {
            tool_version: crate::TOOL_VERSION.into(),
            tool_build: crate::BUILD.into(),
            server: identity.server.clone(),
            site: identity.site.clone(),
            kind: identity.kind,
            cic_version: identity.version,
            install_root: identity.install_path.clone(),
            components: components.iter().map(|c| c.0.clone()).collect(),
        };
        ImageSource {
            origin,
            components,
            _files: files,
        }
    }
}

impl Source for ImageSource {
    fn describe(&self) -> String {
        format!("export of {}", self.origin.server)
    }

    fn origin(&self) -> &Origin {
        &self.origin
    }

    fn verify(&mut self, _progress: &dyn Progress) -> Result<()> {
        Ok(())
    }

    fn extract(
        &mut self,
        components: &[String],
        dir: &Path,
        _progress: &dyn Progress,
    ) -> Result<Vec<Incoming>> {
        let mut incoming = Vec::new();
        for (name, tree, files) in &self.components {
            if !components.contains(name) {
                continue;
            }
            let folder = dir.join(name.replace('\\', "_"));
            let mut extracted = Vec::new();
            for (archive_path, copy) in files {
                let path = folder.join(archive_path);
                fs::create_dir_all(path.parent().unwrap()).unwrap();
                fs::copy(copy, &path).unwrap();
                extracted.push((archive_path.clone(), path));
            }
            incoming.push(component_incoming(
                name,
                tree.clone(),
                extracted,
                &self.origin,
            ));
        }
        Ok(incoming)
    }
}

/// The origin of an archive of CIC 2016 R1 "calliope" (site Indy) written by this tool,
/// holding `components`, recording `install_root`.
pub fn calliope_origin(components: &[&str], install_root: &str) -> Origin {
    Origin {
        tool_version: crate::TOOL_VERSION.into(),
        tool_build: crate::BUILD.into(),
        server: "calliope".into(),
        site: "Indy".into(),
        kind: crate::server::ServerKind::Cic,
        cic_version: "2016 R1".parse().expect("a known release"),
        install_root: install_root.into(),
        components: components.iter().map(|c| c.to_string()).collect(),
    }
}
