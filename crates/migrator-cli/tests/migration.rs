//! Migration mode through the binary: a 2016 R1 server "calliope" (site "Indy") exported by
//! `migrator export` and imported by `migrator import --mode migration` onto a 2023 R3 server
//! "helios" (site "Chicago"), then the same for a Media Server "mars" paired with calliope,
//! imported onto "venus", paired with helios. What is checked is what an administrator would
//! look at on helios afterwards: its registry, its files, the report and the checklist.

mod cli_common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Output;

use cli_common::{archives, migrator, stderr, stdout};
use migrator_core::layout::{self, resolve};
use migrator_core::registry::{join, Key, RegTree};
use migrator_core::sample::{self, SampleSpec, Size};
use migrator_core::server::{ServerImage, ServerKind};
use serde_json::Value as Json;

/// A scratch folder with the images, the archives and the extraction folders.
struct Lab {
    dir: tempfile::TempDir,
}

impl Lab {
    fn new() -> Lab {
        Lab {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// A small sample server `server` of `kind` and `version` in the folder of its name.
    fn sample(&self, kind: ServerKind, version: &str, site: &str, server: &str) -> PathBuf {
        let paired = match server {
            "mars" => vec!["calliope".to_string()],
            "venus" => vec!["helios".to_string()],
            _ => Vec::new(),
        };
        let spec = SampleSpec {
            kind,
            version: version.parse().unwrap(),
            site: site.to_string(),
            server: server.to_string(),
            size: Size::Small,
            seed: 7,
            command_servers: paired,
        };
        let dir = self.path(server);
        sample::generate(&spec, &dir).unwrap();
        dir
    }

    fn run(&self, args: &[&str]) -> Output {
        migrator(self.dir.path())
            .arg("-q")
            .args(args)
            .output()
            .unwrap()
    }

    fn export(&self, image: &Path) -> PathBuf {
        let out = self.path("out");
        let output = self.run(&["export", "--server", s(image), "--out", s(&out)]);
        assert!(output.status.success(), "{}", stderr(&output));
        archives(&out).pop().expect("one archive")
    }

    /// Imports `archive` into `image` in `mode`, with `extra` options and `--json`.
    fn import(&self, archive: &Path, image: &Path, mode: &str, extra: &[&str]) -> Output {
        let extract = self.path("extracted");
        let base = [
            "import",
            s(archive),
            "--server",
            s(image),
            "--extract-to",
            s(&extract),
            "--mode",
            mode,
            "--json",
        ];
        self.run(&[&base[..], extra].concat())
    }
}

fn s(path: &Path) -> &str {
    path.to_str().unwrap()
}

/// The JSON document of a run, which must have completed (with warnings or not) or, with
/// `--plan`, planned.
fn completed(output: &Output) -> Json {
    let document: Json = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}\n{}", stdout(output), stderr(output)));
    let status = document["status"].as_str().unwrap_or_default().to_string();
    assert!(
        status.starts_with("Completed") || status == "Planned",
        "{status}: {}",
        stderr(output)
    );
    document
}

fn registry(image: &Path) -> RegTree {
    ServerImage::open(image).unwrap().load_registry().unwrap()
}

/// The absolute path of a layout location on a server.
fn at(layout_path: &str, site: &str, server: &str) -> String {
    join(layout::II_KEY, &resolve(layout_path, site, server))
}

/// Every key and value (as `KEY@NAME`) whose name or text holds one of `names`, in any case.
fn places_naming(tree: &RegTree, names: &[&str]) -> BTreeSet<String> {
    let hit = |text: &str| {
        let text = text.to_lowercase();
        names.iter().any(|name| text.contains(&name.to_lowercase()))
    };
    let mut places = BTreeSet::new();
    for (path, key) in tree.walk() {
        if hit(key.name()) {
            places.insert(path.clone());
        }
        for value in key.values() {
            let texts = value.as_strings().unwrap_or_default();
            if hit(value.name()) || texts.iter().any(|t| hit(t)) {
                places.insert(format!("{path}@{}", value.name()));
            }
        }
    }
    places
}

/// Keys and values of a subtree: the names of every key below it and `KEY@NAME=DATA` for
/// every value, relative to it.
fn contents(key: &Key) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let mut stack = vec![(String::new(), key)];
    while let Some((path, key)) = stack.pop() {
        for value in key.values() {
            found.insert(format!("{path}@{}={:?}", value.name(), value.data()));
        }
        for sub in key.subkeys() {
            let below = format!("{path}\\{}", sub.name().to_lowercase());
            found.insert(below.clone());
            stack.push((below, sub));
        }
    }
    found
}

fn texts(list: &Json, field: &str) -> Vec<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|item| item[field].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn calliope_migrates_onto_helios_and_a_second_run_plans_nothing() {
    let lab = Lab::new();
    let calliope = lab.sample(ServerKind::Cic, "2016 R1", "Indy", "calliope");
    let helios = lab.sample(ServerKind::Cic, "2023 R3", "Chicago", "helios");
    let before = registry(&helios);
    let archive = lab.export(&calliope);

    let report = completed(&lab.import(&archive, &helios, "migration", &[]));
    let after = registry(&helios);
    let told = texts(&report["notices"], "rule");
    assert!(
        told.contains(&"dial-plan-overwrite".to_string()),
        "{told:?}"
    );

    // No old name is left on helios but where the report lists it as unresolved.
    let left = places_naming(&after, &["calliope", "Indy"]);
    let listed: BTreeSet<String> = texts(&report["unresolved"], "path").into_iter().collect();
    assert_eq!(left, listed);
    let users = at(layout::USERS, "Chicago", "helios");
    let parameters = at(layout::SERVER_PARAMETERS, "Chicago", "helios");
    let expected: BTreeSet<String> = [
        format!("{parameters}\\Site Description_migrated@Value"),
        format!("{users}\\csmith@givenName"),
        format!("{users}\\csmith@displayName"),
        format!("{users}\\csmith@Alias"),
    ]
    .into_iter()
    .collect();
    assert_eq!(
        listed, expected,
        "the user named after the server, the site's description"
    );

    // The active attendant configuration is calliope's, and nothing of helios's own is left.
    let attendant = at(layout::ATTENDANT_DATA, "Chicago", "helios");
    let active = |tree: &RegTree| {
        let data = tree.find(&attendant).expect("attendant data");
        let name = data
            .text(layout::ACTIVE_CONFIG_VALUE)
            .expect("an active configuration");
        data.subkey(&name)
            .expect("the active configuration")
            .clone()
    };
    let source = registry(&calliope);
    let calliope_attendant = at(layout::ATTENDANT_DATA, "Indy", "calliope");
    let calliope_data = source.find(&calliope_attendant).unwrap();
    let calliope_active = calliope_data
        .subkey(&calliope_data.text(layout::ACTIVE_CONFIG_VALUE).unwrap())
        .unwrap()
        .clone();
    let imported = contents(&active(&after));
    let keys = |set: &BTreeSet<String>| -> BTreeSet<String> {
        set.iter().filter(|p| !p.contains('@')).cloned().collect()
    };
    assert_eq!(keys(&imported), keys(&contents(&calliope_active)));
    let own = keys(&contents(&active(&before)));
    assert!(
        own.difference(&keys(&imported)).next().is_some(),
        "helios's own configuration had nodes calliope's lacks"
    );
    let deleted: Vec<String> = report["actions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["action"] == "delete_key" && a["rule"] == "attendant-active-config")
        .map(|a| a["path"].as_str().unwrap().to_string())
        .collect();
    assert!(!deleted.is_empty(), "the plan names the deleted nodes");
    for path in &deleted {
        assert!(after.find(path).is_none(), "{path} is gone");
    }

    // A DNIS row helios and calliope both route is calliope's row, value for value.
    let dnis = at(layout::DNIS_MAPPINGS, "Chicago", "helios");
    let mut replaced: Vec<&Json> = report["actions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["rule"] == "dnis-merge" && a["action"] == "merge")
        .filter(|a| {
            a["detail"]
                .as_str()
                .is_some_and(|d| d.starts_with("replaces"))
        })
        .collect();
    replaced.dedup_by_key(|a| a["path"].clone());
    assert!(
        !replaced.is_empty(),
        "calliope and helios share DNIS numbers"
    );
    let calliope_dnis = at(layout::DNIS_MAPPINGS, "Indy", "calliope");
    for action in replaced {
        let row = after.find(action["path"].as_str().unwrap()).unwrap();
        let number = row.text(layout::DNIS_VALUE).unwrap();
        let original = source
            .find(&calliope_dnis)
            .unwrap()
            .subkeys()
            .find(|r| r.text(layout::DNIS_VALUE).as_deref() == Some(&number))
            .unwrap();
        let values = |key: &Key| -> BTreeSet<String> {
            key.values()
                .map(|v| format!("{}={:?}", v.name(), v.as_strings()))
                .collect()
        };
        assert_eq!(values(row), values(original), "DNIS {number}");
    }
    assert!(after.find(&dnis).unwrap().subkey_count() > before.find(&dnis).unwrap().subkey_count());

    // Each imported server parameter sits beside helios's own, which is untouched.
    let calliope_parameters = at(layout::SERVER_PARAMETERS, "Indy", "calliope");
    for parameter in source.find(&calliope_parameters).unwrap().subkeys() {
        let migrated = format!("{}_migrated", parameter.name());
        assert!(
            after.find(&join(&parameters, &migrated)).is_some(),
            "{migrated}"
        );
        if let Some(own) = before.find(&join(&parameters, parameter.name())) {
            let now = after.find(&join(&parameters, parameter.name())).unwrap();
            assert_eq!(contents(now), contents(own), "{}", parameter.name());
        }
    }

    // The checklist beside the report holds exactly the steps that apply.
    let steps = texts(&report["checklist"]["steps"], "id");
    assert_eq!(
        steps,
        [
            "deprecated-queue-parameters",
            "restart-service",
            "publish-handlers",
            "reset-secrets",
            "review-migrated",
            "telephony",
            "repair-media-servers",
            "licence-allocation",
            "attendant",
            "unresolved-names",
        ]
    );
    let folder = PathBuf::from(report["folder"].as_str().unwrap());
    let checklist = std::fs::read_to_string(folder.join("checklist.md")).unwrap();
    let headings: Vec<&str> = checklist.lines().filter(|l| l.starts_with("## ")).collect();
    let titles = texts(&report["checklist"]["steps"], "title");
    assert_eq!(headings.len(), titles.len(), "{checklist}");
    for (heading, title) in headings.iter().zip(&titles) {
        let same = heading.to_lowercase().ends_with(&title.to_lowercase());
        assert!(same, "{heading} / {title}");
    }
    for step in report["checklist"]["steps"].as_array().unwrap() {
        for item in step["items"].as_array().unwrap() {
            let item = item.as_str().unwrap();
            assert!(checklist.contains(item), "{item} is not on the checklist");
        }
    }

    // The same archive again: nothing to do.
    let again = completed(&lab.import(&archive, &helios, "migration", &["--plan"]));
    let writes: Vec<&Json> = again["actions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| {
            let kind = a["action"].as_str().unwrap();
            !["keep_value", "keep_file", "skip", "extract_only"].contains(&kind)
        })
        .collect();
    assert!(writes.is_empty(), "{writes:#?}");
    assert_eq!(again["changes"], 0);
    // Nor anything to warn of before the actions: nothing is overwritten any more.
    assert_eq!(
        again["notices"],
        Json::Array(Vec::new()),
        "{:#}",
        again["notices"]
    );
}

#[test]
fn a_media_server_migrates_onto_another_with_its_command_servers_mapped() {
    let lab = Lab::new();
    let mars = lab.sample(ServerKind::Media, "2016 R1", "", "mars");
    let venus = lab.sample(ServerKind::Media, "2023 R3", "", "venus");
    let before = registry(&venus);
    let config = venus.join("I3/IC/Resources/MediaServerConfig.xml");
    let config_before = std::fs::read(&config).unwrap();
    let archive = lab.export(&mars);

    let refused = lab.import(&archive, &venus, "recovery", &[]);
    assert!(!refused.status.success());
    assert!(
        stderr(&refused).contains("Media Server"),
        "{}",
        stderr(&refused)
    );
    assert_eq!(registry(&venus), before, "a refused import changes nothing");

    let report = completed(&lab.import(&archive, &venus, "migration", &[]));
    let xml = std::fs::read_to_string(&config).unwrap();
    assert!(xml.contains("Name=\"helios\""), "{xml}");
    assert!(!xml.to_lowercase().contains("calliope"), "{xml}");
    assert!(xml.contains("ServerName=\"venus\""), "{xml}");

    // Host-bound values stay venus's own.
    let key = join(layout::II_KEY, layout::MEDIA_SERVER);
    let after = registry(&venus);
    for name in ["LicenseFile", "WebConfigLoginPassword", "ProductVersion"] {
        assert_eq!(
            after.find(&key).unwrap().value(name),
            before.find(&key).unwrap().value(name),
            "{name}"
        );
    }
    let unresolved: Vec<(String, String)> = report["unresolved"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| (u["path"].to_string(), u["name"].to_string()))
        .collect();
    assert_eq!(
        unresolved,
        [(
            "\"Resources\\\\MediaServerConfig.xml\"".to_string(),
            "\"mars\"".to_string()
        )],
        "the Media Server's account on its CIC server keeps its name until re-paired"
    );
    let point = report["restore_point"].as_str().expect("a restore point");
    let rollback = lab.run(&["rollback", "--server", s(&venus), point]);
    assert!(rollback.status.success(), "{}", stderr(&rollback));
    assert_eq!(
        registry(&venus),
        before,
        "the restore point covers the registry"
    );
    assert_eq!(
        std::fs::read(&config).unwrap(),
        config_before,
        "and the files"
    );
}

#[test]
fn dev_mode_keeps_the_target_rescue_id() {
    let lab = Lab::new();
    let calliope = lab.sample(ServerKind::Cic, "2016 R1", "Indy", "calliope");
    let helios = lab.sample(ServerKind::Cic, "2023 R3", "Chicago", "helios");
    let recorder = at(layout::RECORDER, "Chicago", "helios");
    let rescue = |image: &Path, recorder: &str| {
        registry(image)
            .find(recorder)
            .and_then(|key| key.value(layout::RECORDINGS_RESCUE_ID).cloned())
    };
    let own = rescue(&helios, &recorder);
    let theirs = rescue(&calliope, &at(layout::RECORDER, "Indy", "calliope"));
    assert!(
        own.is_some() && theirs.is_some() && own != theirs,
        "each has its own rescue ID"
    );
    let archive = lab.export(&calliope);

    let report = completed(&lab.import(&archive, &helios, "migration", &["--dev-mode"]));
    assert_eq!(rescue(&helios, &recorder), own);
    let skipped = report["actions"].as_array().unwrap().iter().any(|a| {
        a["action"] == "skip" && a["rule"] == "dev-mode" && a["path"].as_str() == Some(&recorder)
    });
    assert!(skipped, "the plan says the rescue ID is left out");
}

#[test]
fn data_sources_between_equal_releases_ask_for_ic_setup_assistant() {
    let lab = Lab::new();
    let calliope = lab.sample(ServerKind::Cic, "2023 R3", "Indy", "calliope");
    let helios = lab.sample(ServerKind::Cic, "2023 R3", "Chicago", "helios");
    let archive = lab.export(&calliope);

    let report = completed(&lab.import(&archive, &helios, "migration", &[]));
    let steps = report["checklist"]["steps"].as_array().unwrap();
    let setup = steps
        .iter()
        .find(|s| s["id"] == "setup-assistant-data-sources")
        .expect("the IC Setup Assistant step");
    // Every data source of calliope but the defaults, which Migration mode skips.
    let skipped: BTreeSet<String> = report["actions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["rule"] == "data-sources-custom-only" && a["action"] == "skip")
        .filter_map(|a| a["path"].as_str()?.rsplit('\\').next().map(str::to_string))
        .collect();
    assert!(skipped.contains("I3_IC"), "{skipped:?}");
    let sources = at(layout::DATA_SOURCES, "Indy", "calliope");
    let imported: BTreeSet<String> = registry(&calliope)
        .find(&sources)
        .unwrap()
        .subkeys()
        .map(|k| k.name().to_string())
        .filter(|name| !skipped.contains(name))
        .collect();
    let named: BTreeSet<String> = setup["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item.as_str().unwrap().to_string())
        .collect();
    assert!(!named.is_empty());
    assert_eq!(named, imported);
}

#[test]
fn a_server_mapping_that_renames_nothing_is_a_warning() {
    let lab = Lab::new();
    let calliope = lab.sample(ServerKind::Cic, "2016 R1", "Indy", "calliope");
    let helios = lab.sample(ServerKind::Cic, "2023 R3", "Chicago", "helios");
    let archive = lab.export(&calliope);
    let options = [
        "--plan",
        "--map-server",
        "caliope=zeus",
        "--map-server",
        "ims01=ims09",
    ];
    let plan = completed(&lab.import(&archive, &helios, "migration", &options));
    let about: Vec<&str> = plan["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|w| w.as_str())
        .filter(|w| w.contains("--map-server"))
        .collect();
    assert_eq!(about.len(), 1, "{about:?}");
    assert!(
        about[0].contains("caliope=zeus renamed nothing") && about[0].contains("calliope"),
        "{}",
        about[0]
    );
}
