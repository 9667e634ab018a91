//! The post-import checklist: the steps the administrator still has to take, only those that
//! apply to what was imported, each with the names of the items concerned.
//!
//! Rules note their steps in the [`RuleLog`] as they run ([`note`]); [`build`] adds the steps
//! that follow from what was imported (restart the service, IC Setup Assistant for data
//! sources, licence allocation, media server pairing, leftover old names), puts them in the
//! order of [`STEPS`] and words them with their counts. The result renders as `checklist.md`
//! ([`Checklist::to_markdown`]) and as one headline line ([`Checklist::headline`]). Items are
//! names and paths only; no value is ever copied into the checklist.

use std::collections::HashSet;

use serde::Serialize;

use crate::incoming::{ImportMode, Incoming, RuleLog};
use crate::layout;
use crate::rules::support::{is_excluded, subkey_names};
use crate::rules::{components, RuleContext};
use crate::server::ServerKind;

/// A kind of step on the checklist.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// Data sources came from another server of the same release: IC Setup Assistant resets
    /// the database configuration.
    SetupAssistantDataSources,
    /// Deprecated queue parameters: IC Setup Assistant moves them.
    DeprecatedQueueParameters,
    /// Restart the service so the imported configuration takes effect.
    RestartService,
    /// Custom handlers stay in the extraction folder and must be published.
    PublishHandlers,
    /// Secrets structured parameters must be reset.
    ResetSecrets,
    /// `_migrated` server parameters and IP tables to review.
    ReviewMigrated,
    /// Lines and stations were imported: redetect telephony, check the SIP adapter.
    Telephony,
    /// The telephony platform changes: lines and stations were not imported.
    RecreateTelephony,
    /// Media Servers paired with the old CIC server must be paired with this one.
    RepairMediaServers,
    /// A Media Server's command servers must be paired again.
    RepairCommandServers,
    /// Host-bound Media Server values were not imported.
    MediaHostValues,
    /// Licence assignments were imported.
    LicenceAllocation,
    /// The imported attendant configuration must be opened and checked.
    Attendant,
    /// Custom reports whose folder lies outside the install tree.
    CopyReports,
    /// Old names no rule could rewrite.
    UnresolvedNames,
}

/// How a step reads.
#[derive(Clone, Copy, Debug)]
pub struct StepText {
    /// The step.
    pub step: Step,
    /// Its stable identifier, as in JSON.
    pub id: &'static str,
    /// Its short form for the headline; `{n}` is the number of items, `{s}` a plural ending.
    pub title: &'static str,
    /// What to do, as full sentences.
    pub text: &'static str,
}

/// Every step, in the order the checklist lists them: what needs IC Setup Assistant first,
/// then the service restart, then the work in the administration tools.
pub const STEPS: &[StepText] = &[
    StepText {
        step: Step::SetupAssistantDataSources,
        id: "setup-assistant-data-sources",
        title: "run IC Setup Assistant for {n} data source{s}",
        text: "Run IC Setup Assistant (Database) right after the import: the data sources come \
               from another server of the same CIC release, so the database, the CIC data \
               sources and the ODBC objects must be set up again. It replaces what the import \
               wrote for them.",
    },
    StepText {
        step: Step::DeprecatedQueueParameters,
        id: "deprecated-queue-parameters",
        title: "move {n} deprecated queue parameter{s}",
        text: "Run IC Setup Assistant to move these deprecated server parameters (imported as \
               *_migrated) to the Report Configuration tab of the Server Configuration dialog.",
    },
    StepText {
        step: Step::RestartService,
        id: "restart-service",
        title: "restart the service",
        text: "Restart the service so the imported configuration takes effect: the CIC service \
               (Interaction Center) on a CIC server, ININ Media Server on a Media Server.",
    },
    StepText {
        step: Step::PublishHandlers,
        id: "publish-handlers",
        title: "publish {n} custom handler{s}",
        text: "Publish these custom handlers from the extraction folder with Interaction \
               Designer; the import does not publish handlers. Base handlers change with each \
               release: re-apply your changes to them on this server and publish them too.",
    },
    StepText {
        step: Step::ResetSecrets,
        id: "reset-secrets",
        title: "reset {n} Secrets parameter{s}",
        text: "Reset the values of these structured parameters of type Secrets in Interaction \
               Administrator: they are encrypted with a key bound to the machine that wrote \
               them.",
    },
    StepText {
        step: Step::ReviewMigrated,
        id: "review-migrated",
        title: "review {n} _migrated parameter{s} and table{s}",
        text: "Review each imported server parameter and IP table named *_migrated beside the \
               target's own: keep one of each pair under the original name and delete the \
               other, and rename custom ones back, or let `migrator resolve-parameters` do it.",
    },
    StepText {
        step: Step::Telephony,
        id: "telephony",
        title: "redetect telephony for {n} line{s} and station{s}",
        text: "Redetect the telephony resources in Interaction Administrator and check that SIP \
               lines use the right network adapter of this server. If the telephony platform \
               changes, re-create lines and stations instead of importing them (import again \
               with --new-telephony-platform).",
    },
    StepText {
        step: Step::RecreateTelephony,
        id: "recreate-telephony",
        title: "re-create {n} line{s} and station{s}",
        text: "The telephony platform changes, so these lines, line groups and stations were \
               not imported: re-create them with IC Setup Assistant or Interaction \
               Administrator, then redetect the telephony resources.",
    },
    StepText {
        step: Step::RepairMediaServers,
        id: "repair-media-servers",
        title: "re-pair {n} Media Server{s}",
        text: "Pair these Media Servers with this CIC server and approve their certificates in \
               Interaction Administrator (Config Certificates).",
    },
    StepText {
        step: Step::RepairCommandServers,
        id: "repair-command-servers",
        title: "re-pair with {n} CIC server{s}",
        text: "Pair this Media Server with these CIC servers (command servers) from its web \
               configuration, then approve its certificate on each CIC server.",
    },
    StepText {
        step: Step::MediaHostValues,
        id: "media-host-values",
        title: "set {n} host-bound Media Server value{s}",
        text: "Set these values in the Media Server's web configuration: they belong to the \
               machine that was exported and were not imported.",
    },
    StepText {
        step: Step::LicenceAllocation,
        id: "licence-allocation",
        title: "review licence allocation of {n} user{s} and station{s}",
        text: "Review the licence allocation in Interaction Administrator: licensing changes \
               with each release, and a licence file of an earlier release does not work on \
               this one.",
    },
    StepText {
        step: Step::Attendant,
        id: "attendant",
        title: "open Interaction Attendant",
        text: "Open Interaction Attendant, fix whatever it reports about the imported \
               configuration, then publish it.",
    },
    StepText {
        step: Step::CopyReports,
        id: "copy-reports",
        title: "copy {n} custom report{s}",
        text: "The Report File Path of this server lies outside the install tree: copy these \
               custom reports from the extraction folder into it.",
    },
    StepText {
        step: Step::UnresolvedNames,
        id: "unresolved-names",
        title: "review {n} leftover old name{s}",
        text: "The old server or site name remains in these places, where no rule could \
               rewrite it safely. Check each one and change it where it must name this server.",
    },
];

impl Step {
    /// How this step reads.
    pub fn text(self) -> &'static StepText {
        STEPS
            .iter()
            .find(|text| text.step == self)
            .unwrap_or(&STEPS[0])
    }
}

/// Adds items to a step of the checklist being collected in `log`.
pub fn note(log: &mut RuleLog, step: Step, items: Vec<String>) {
    let text = step.text();
    log.checklist(text.id, text.text, items);
}

/// One step of the finished checklist.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ChecklistStep {
    /// Its stable identifier.
    pub id: &'static str,
    /// Its short form, with the count.
    pub title: String,
    /// What to do.
    pub text: &'static str,
    /// The items concerned.
    pub items: Vec<String>,
}

/// The post-import checklist.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Checklist {
    /// What was imported where, in one line.
    pub about: String,
    /// The steps, in order.
    pub steps: Vec<ChecklistStep>,
}

/// The checklist of an import: the steps the rules noted plus those that follow from what was
/// imported, in the order of [`STEPS`].
pub fn build(ctx: &RuleContext, incoming: &[Incoming], log: &RuleLog) -> Checklist {
    let mut noted = log.clone();
    derive_steps(ctx, incoming, &mut noted);
    let steps = STEPS
        .iter()
        .filter_map(|text| {
            let item = noted.checklist.iter().find(|item| item.id == text.id)?;
            let items = dedup(&item.items);
            Some(ChecklistStep {
                id: text.id,
                title: title(text.title, items.len()),
                text: text.text,
                items,
            })
        })
        .collect();
    Checklist {
        about: about(ctx),
        steps,
    }
}

fn derive_steps(ctx: &RuleContext, incoming: &[Incoming], log: &mut RuleLog) {
    let imported: Vec<&Incoming> = incoming.iter().filter(|c| has_data(c)).collect();
    if imported.is_empty() {
        return;
    }
    if ctx.mode == ImportMode::Migration && ctx.same_release_other_server() {
        let sources = named_entries(
            ctx,
            &imported,
            components::DATA_SOURCES,
            layout::DATA_SOURCES,
        );
        if !sources.is_empty() {
            note(log, Step::SetupAssistantDataSources, sources);
        }
    }
    let names = imported.iter().map(|c| c.component.clone()).collect();
    note(log, Step::RestartService, names);
    if ctx.mode == ImportMode::Migration && ctx.source.kind == ServerKind::Cic {
        let media = every_entry(ctx, &imported, layout::MEDIA_SERVERS_IN_CIC);
        if !media.is_empty() {
            note(log, Step::RepairMediaServers, media);
        }
    }
    let admin = [
        (layout::ADMIN_USER_INFO, "user"),
        (layout::ADMIN_STATION_INFO, "station"),
    ];
    let licensed: Vec<String> = admin
        .iter()
        .flat_map(|(path, kind)| {
            named_entries(ctx, &imported, components::ADMIN_CONFIG, path)
                .into_iter()
                .map(move |name| format!("{kind} {name}"))
        })
        .collect();
    if !licensed.is_empty() {
        note(log, Step::LicenceAllocation, licensed);
    }
    let prefix = format!("{}\\", layout::II_KEY);
    let leftovers: Vec<String> = log
        .unresolved
        .iter()
        .map(|u| {
            let path = u.path.strip_prefix(&prefix).unwrap_or(&u.path);
            format!("{path} ({})", u.name)
        })
        .collect();
    if !leftovers.is_empty() {
        note(log, Step::UnresolvedNames, leftovers);
    }
}

fn has_data(component: &Incoming) -> bool {
    !component.tree.is_empty() || !component.files.is_empty()
}

/// The names of the imported (not excluded) subkeys of a container in one component.
fn named_entries(
    ctx: &RuleContext,
    imported: &[&Incoming],
    component: &str,
    layout_path: &str,
) -> Vec<String> {
    let path = ctx.incoming_path(layout_path);
    imported
        .iter()
        .filter(|c| crate::rules::context::same(&c.component, component))
        .flat_map(|c| {
            subkey_names(c, &path)
                .into_iter()
                .filter(|name| !is_excluded(c, &crate::registry::join(&path, name)))
        })
        .collect()
}

/// The names of the subkeys of a container, in whichever component holds it.
fn every_entry(ctx: &RuleContext, imported: &[&Incoming], layout_path: &str) -> Vec<String> {
    let path = ctx.incoming_path(layout_path);
    imported
        .iter()
        .filter(|c| !is_excluded(c, &path))
        .flat_map(|c| subkey_names(c, &path))
        .collect()
}

/// The items in their first order, each once (a licence step lists thousands of users).
fn dedup(items: &[String]) -> Vec<String> {
    let mut seen: HashSet<&str> = HashSet::with_capacity(items.len());
    items
        .iter()
        .filter(|item| seen.insert(item.as_str()))
        .cloned()
        .collect()
}

fn title(template: &str, count: usize) -> String {
    let plural = if count == 1 { "" } else { "s" };
    template
        .replace("{n}", &count.to_string())
        .replace("{s}", plural)
}

fn about(ctx: &RuleContext) -> String {
    let describe = |server: &str, site: &str, version| match site.is_empty() {
        true => format!("{server} ({version})"),
        false => format!("{server} (site {site}, {version})"),
    };
    format!(
        "{} imported onto {} in {} mode",
        describe(&ctx.source.server, &ctx.source.site, ctx.source.version),
        describe(&ctx.target.server, &ctx.target.site, ctx.target.version),
        ctx.mode.as_str()
    )
}

impl Checklist {
    /// Whether nothing is left to do.
    pub fn is_empty(&self) -> bool {
        self.steps.is_empty()
    }

    /// One line for the console: how many steps, and each in short.
    pub fn headline(&self) -> String {
        if self.steps.is_empty() {
            return "Checklist: nothing left to do after the import.".to_string();
        }
        let titles: Vec<&str> = self.steps.iter().map(|s| s.title.as_str()).collect();
        let plural = if self.steps.len() == 1 { "" } else { "s" };
        format!(
            "Checklist: {} step{plural} left ({}); see checklist.md.",
            self.steps.len(),
            titles.join(", ")
        )
    }

    /// The checklist as the markdown of `checklist.md`.
    pub fn to_markdown(&self) -> String {
        let mut text = format!("# After the import\n\n{}.\n", self.about);
        if self.steps.is_empty() {
            text.push_str("\nNothing is left to do.\n");
        }
        for (number, step) in self.steps.iter().enumerate() {
            text.push_str(&format!(
                "\n## {}. {}\n\n{}\n",
                number + 1,
                capitalize(&step.title),
                step.text
            ));
            if step.items.is_empty() {
                continue;
            }
            text.push('\n');
            // A step whose title counts its items is one to-do per item; in the others (the
            // restart) the items only say what the step concerns.
            let per_item = STEPS
                .iter()
                .any(|s| s.id == step.id && s.title.contains("{n}"));
            if !per_item {
                let items: Vec<String> = step.items.iter().map(|i| escape(i)).collect();
                text.push_str(&format!("Concerns: {}.\n", items.join(", ")));
                continue;
            }
            for item in &step.items {
                text.push_str(&format!("- [ ] {}\n", escape(item)));
            }
        }
        text
    }
}

fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// An item as markdown: text that markdown would read as markup (registry paths with their
/// backslashes, names with underscores) goes in a code span, the rest stays plain.
fn escape(text: &str) -> String {
    if !text.contains(['\\', '*', '_', '`', '[', ']', '<', '>', '#']) {
        return text.to_string();
    }
    let fence = if text.contains('`') { "``" } else { "`" };
    format!("{fence}{text}{fence}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::fixtures::{self, Fixture};

    #[test]
    fn titles_count_their_items() {
        assert_eq!(
            title("publish {n} custom handler{s}", 1),
            "publish 1 custom handler"
        );
        assert_eq!(
            title("publish {n} custom handler{s}", 3),
            "publish 3 custom handlers"
        );
    }

    #[test]
    fn every_step_has_its_own_id() {
        for (index, step) in STEPS.iter().enumerate() {
            assert!(STEPS[..index]
                .iter()
                .all(|s| s.id != step.id && s.step != step.step));
            assert_eq!(step.step.text().id, step.id);
        }
    }

    #[test]
    fn an_empty_import_leaves_nothing_to_do() {
        let fx = Fixture::new();
        let checklist = build(&fx.migration(), &[], &RuleLog::default());
        assert!(checklist.is_empty());
        assert_eq!(
            checklist.headline(),
            "Checklist: nothing left to do after the import."
        );
    }

    #[test]
    fn recovery_of_users_asks_only_for_a_restart() {
        let fx = Fixture::new();
        let users = fixtures::incoming("Users", &fx.source_tree, &[layout::USERS]);
        let checklist = build(&fx.recovery(), &[users], &RuleLog::default());
        let ids: Vec<&str> = checklist.steps.iter().map(|s| s.id).collect();
        assert_eq!(ids, ["restart-service"]);
        assert_eq!(checklist.steps[0].items, ["Users"]);
        assert_eq!(
            checklist.headline(),
            "Checklist: 1 step left (restart the service); see checklist.md."
        );
        // One restart, whatever was imported: the components are named, not boxes to tick.
        let markdown = checklist.to_markdown();
        assert!(markdown.contains("\nConcerns: Users.\n"), "{markdown}");
        assert!(!markdown.contains("- [ ]"), "{markdown}");
    }

    #[test]
    fn an_item_noted_twice_is_listed_and_counted_once() {
        let fx = Fixture::new();
        let mut log = RuleLog::default();
        let handlers = |names: &[&str]| names.iter().map(|n| n.to_string()).collect();
        note(
            &mut log,
            Step::PublishHandlers,
            handlers(&["b.ihd", "a.ihd"]),
        );
        note(
            &mut log,
            Step::PublishHandlers,
            handlers(&["a.ihd", "c.ihd", "b.ihd"]),
        );
        let checklist = build(&fx.migration(), &[], &log);
        let step = &checklist.steps[0];
        assert_eq!(step.items, ["b.ihd", "a.ihd", "c.ihd"]);
        assert_eq!(step.title, title(Step::PublishHandlers.text().title, 3));
    }

    #[test]
    fn markdown_lists_each_item_as_a_box_to_tick() {
        let checklist = Checklist {
            about: "calliope imported onto helios".into(),
            steps: vec![ChecklistStep {
                id: "reset-secrets",
                title: title(Step::ResetSecrets.text().title, 1),
                text: Step::ResetSecrets.text().text,
                items: vec!["CRM_Credentials".into()],
            }],
        };
        let markdown = checklist.to_markdown();
        assert!(markdown.starts_with("# After the import\n\ncalliope imported onto helios.\n"));
        assert!(markdown.contains("\n## 1. Reset 1 Secrets parameter\n"));
        assert!(markdown.ends_with("\n- [ ] `CRM_Credentials`\n"));
        assert_eq!(escape("user csmith"), "user csmith");
        assert_eq!(escape("a`b\\c"), "``a`b\\c``");
    }
}
