//! Small server images built by hand for the tests of `nodes` and `export`: a CIC server
//! "calliope" (site "Indy", 2016 R1) and a Media Server "backgammon".

#![allow(dead_code)]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use migrator_core::layout::{self, resolve};
use migrator_core::registry::{regfile, RegTree, Value};

/// Runs the built binary with `args`.
pub fn migrator(args: &[&str]) -> Output {
    migrator_env(args, &[])
}

/// Runs the built binary with `args` and extra environment variables.
pub fn migrator_env(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_migrator"));
    command.args(args).env_remove("MIGRATOR_PASSWORD");
    for (name, value) in env {
        command.env(name, value);
    }
    command.output().expect("the binary runs")
}

/// The standard output as text.
pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// The standard error as text.
pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn write_registry(dir: &Path, tree: &RegTree) {
    let mut bytes = Vec::new();
    regfile::write_export(tree, &mut bytes).unwrap();
    fs::create_dir_all(dir).unwrap();
    fs::write(dir.join("registry.reg"), bytes).unwrap();
}

fn write_files(dir: &Path, files: &[(&str, &str)]) {
    for (path, content) in files {
        let full = dir.join("I3/IC").join(path);
        fs::create_dir_all(full.parent().unwrap()).unwrap();
        fs::write(full, content).unwrap();
    }
}

/// Writes the CIC image into `dir` and returns `dir`.
pub fn cic_image(dir: &Path) -> PathBuf {
    let mut tree = RegTree::new();
    let root = tree.ensure(layout::II_KEY);
    root.set_value(Value::sz(layout::TARGET_VALUE, "D:\\I3\\IC\\Server\\"));
    root.ensure(layout::SETUP_ASSISTANT)
        .set_value(Value::sz(layout::VERSION_VALUE, "2016 R1"));
    let ds = root.ensure(layout::DS_ROOT);
    ds.set_value(Value::sz(layout::SITE_VALUE, "\\Indy"));
    ds.set_value(Value::sz(
        layout::SERVER_VALUE,
        "\\Indy\\Production\\calliope",
    ));
    let entries: &[(&str, &str, &str, &str)] = &[
        (layout::USERS, "alice", "Extension", "1001"),
        (layout::USERS, "bob", "Extension", "1002"),
        (layout::WORKGROUPS, "Sales", "Members", "alice"),
        (layout::WORKSTATIONS, "Station1", "Extension", "3001"),
        (
            layout::SERVER_PARAMETERS,
            "ReportsPath",
            "Value",
            "D:\\Reports",
        ),
        (
            layout::ADMIN_CONFIG,
            "UserInfo",
            "Counted Licenses",
            "I3_ACCESS",
        ),
        (layout::IP_HANDLERS, "Handler1", "Enabled", "Yes"),
        (layout::SERVER_IP, "Settings", "Threads", "4"),
        (
            layout::DIAL_PLAN,
            "Configuration",
            "Classifications",
            "Local",
        ),
    ];
    for (path, entry, name, text) in entries {
        let key = root
            .ensure(&resolve(path, "Indy", "calliope"))
            .ensure(entry);
        key.set_value(Value::sz(*name, text));
    }
    write_registry(dir, &tree);
    write_files(
        dir,
        &[
            ("Server/DialPlan/plan.xml", "<plan/>"),
            ("Handlers/Custom/MyHandler.ihd", "handler"),
            ("Handlers/Custom/Sub/Other.ihd", "other handler"),
            ("Server/LRA/LRAConfig.xml", "<lra/>"),
        ],
    );
    dir.to_path_buf()
}

/// Writes the Media Server image into `dir` and returns `dir`.
pub fn media_image(dir: &Path) -> PathBuf {
    let mut tree = RegTree::new();
    let media = tree.ensure(&format!("{}\\{}", layout::II_KEY, layout::MEDIA_SERVER));
    media.set_value(Value::sz(layout::MEDIA_SERVER_NAME, "backgammon"));
    media.set_value(Value::sz(layout::MEDIA_VERSION, "2018 R5"));
    media.set_value(Value::sz(layout::MEDIA_LICENSE_FILE, "C:\\lic.i3lic"));
    write_registry(dir, &tree);
    write_files(
        dir,
        &[("Resources/MediaServerConfig.xml", "<MediaServerConfig/>")],
    );
    dir.to_path_buf()
}
