//! A small CIC server image built by hand for tests: a few entries in most components and a
//! few files, written to a temporary folder.

use std::fs;
use std::path::Path;

use crate::layout::{self, resolve};
use crate::registry::{regfile, RegTree, Value};
use crate::server::{self, Identity, ServerImage};

/// The site of the fixture.
pub const SITE: &str = "Indy";
/// The server of the fixture.
pub const SERVER: &str = "calliope";

/// The registry of the fixture, rooted at `ii` (the 64-bit or the 32-bit key path).
pub fn registry(ii: &str) -> RegTree {
    let mut tree = RegTree::new();
    let root = tree.ensure(ii);
    root.set_value(Value::sz(layout::TARGET_VALUE, "D:\\I3\\IC\\Server\\"));
    root.ensure(layout::SETUP_ASSISTANT)
        .set_value(Value::sz(layout::VERSION_VALUE, "2016 R1"));
    let ds = root.ensure(layout::DS_ROOT);
    ds.set_value(Value::sz(layout::SITE_VALUE, "\\Indy"));
    ds.set_value(Value::sz(
        layout::SERVER_VALUE,
        "\\Indy\\Production\\calliope",
    ));
    let mut add = |path: &str, entry: &str, name: &str, text: &str| {
        let key = root.ensure(&resolve(path, SITE, SERVER)).ensure(entry);
        key.set_value(Value::sz(name, text));
    };
    add(layout::USERS, "alice", "Extension", "1001");
    add(layout::USERS, "bob", "Extension", "1002");
    add(
        layout::LIVE_DATA_USER_STATUS,
        "alice",
        "Status",
        "Available",
    );
    add(layout::WORKGROUPS, "Sales", "Extension", "2001");
    add(
        layout::SERVER_PARAMETERS,
        "Report File Path",
        "Value",
        "D:\\I3\\IC\\Reports",
    );
    add(layout::WORKSTATIONS, "Station1", "Extension", "3001");
    add(
        layout::ADMIN_CONFIG,
        "UserInfo",
        "Counted Licenses",
        "I3_ACCESS",
    );
    add(layout::IP_HANDLERS, "Handler1", "Enabled", "Yes");
    add(layout::SERVER_IP, "Settings", "Threads", "4");
    add(
        layout::HANDLER_REGISTRATIONS,
        "CustomHandler",
        "Published",
        "Yes",
    );
    add(
        layout::CLIENT_BUTTONS,
        "Phone",
        layout::ICON_FILE_VALUE,
        "phone.ico",
    );
    add(
        layout::CLIENT_BUTTONS,
        "Evil",
        layout::ICON_FILE_VALUE,
        "..\\registry.reg",
    );
    add(
        layout::CLIENT_BUTTONS,
        "Gone",
        layout::ICON_FILE_VALUE,
        "gone.ico",
    );
    add(
        layout::DIAL_PLAN,
        "Configuration",
        "Classifications",
        "Local",
    );
    add(layout::SWITCHOVER, "", "Role", "Primary");
    add(layout::IPA_PROCESSES, "Onboarding", "Version", "3");
    add(layout::IPA, "", "Work Item Retention Days", "90");
    root.ensure(&resolve(layout::MAIL, SITE, SERVER))
        .set_value(Value::sz(layout::MAIL_ROOT_PATH, "D:\\Mail"));
    tree
}

/// Writes the fixture image into `dir` with the registry at `ii`.
pub fn write_image(dir: &Path, ii: &str) -> (ServerImage, RegTree, Identity) {
    let tree = registry(ii);
    let mut bytes = Vec::new();
    regfile::write_export(&tree, &mut bytes).unwrap();
    fs::write(dir.join(server::REGISTRY_FILE), bytes).unwrap();
    let install = server::install_dir_of(dir);
    for (path, content) in [
        ("Server/DialPlan/plan.xml", "plan"),
        ("Server/DialPlan/Regional/us.xml", "us"),
        ("Server/Reports/Custom/sales.rpt", "report"),
        ("Server/Reports/readme.txt", "not a report"),
        ("Resources/phone.ico", "icon"),
        ("Resources/unrelated.ico", "other icon"),
        (
            "Resources/InteractionAttendantWaves/fr-fr/hello.wav",
            "wave",
        ),
        ("Handlers/Custom/MyHandler.ihd", "handler"),
        ("Handlers/Custom/Sub/Deep/Other.ihd", "deep handler"),
        ("Handlers/System/Base.ihd", "base handler"),
        ("Server/LRA/LRAConfig.xml", "lra"),
    ] {
        let full = install.join(path);
        fs::create_dir_all(full.parent().unwrap()).unwrap();
        fs::write(full, content).unwrap();
    }
    let image = ServerImage::open(dir).unwrap();
    let identity = server::identity(&tree, image.registry_file()).unwrap();
    (image, tree, identity)
}
