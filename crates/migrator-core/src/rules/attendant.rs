//! Rule `attendant-active-config`: in Migration mode the imported Interaction Attendant
//! configuration overwrites the target's active configuration (the subkey its `ActiveConfig`
//! value names) and, with it, the target's default profile. The archive's active
//! configuration is moved under the target's active name, `ActiveConfig` keeps naming the
//! target's, and node paths inside follow. Server and site names inside were already
//! rewritten by the rename rule. The plan says so first; the checklist asks to open
//! Interaction Attendant and fix what it reports.

use super::support::{first_string, rewrite_element_after, rewrite_strings, set_text};
use super::{components, Components, Rule, RuleContext, CIC, MIGRATION};
use crate::checklist::{self, Step};
use crate::error::Result;
use crate::incoming::{Incoming, RuleLog};
use crate::layout;
use crate::registry::{join, Key};

use super::context::same;

/// The rule's name.
pub const NAME: &str = "attendant-active-config";

/// The key that holds the attendant configurations, as a path element.
const ATTENDANT_DATA_ELEMENT: &str = "AttendantData";

/// The rule's entry in the table.
pub const RULE: Rule = Rule {
    name: NAME,
    description: "imports the attendant configuration over the target's active configuration \
                  and default profile",
    components: Components::Named(&[components::ATTENDANT]),
    kinds: CIC,
    modes: MIGRATION,
    apply,
};

fn apply(ctx: &RuleContext, incoming: &mut Incoming, log: &mut RuleLog) -> Result<()> {
    let data_path = ctx.incoming_path(layout::ATTENDANT_DATA);
    let Some(data) = incoming.tree.find_mut(&data_path) else {
        return Ok(());
    };
    let Some(archive_active) = first_string(data, layout::ACTIVE_CONFIG_VALUE) else {
        return Ok(());
    };
    let target_active = ctx
        .target_key(layout::ATTENDANT_DATA)
        .and_then(|key| first_string(key, layout::ACTIVE_CONFIG_VALUE))
        .unwrap_or_else(|| archive_active.clone());
    if !same(&archive_active, &target_active) && data.subkey(&archive_active).is_some() {
        if data.remove_subkey(&target_active).is_some() {
            let detail = format!(
                "the archive's configuration {target_active} is not imported: the active one \
                 takes its place"
            );
            log.change(
                &incoming.component,
                &join(&data_path, &target_active),
                NAME,
                detail,
            );
        }
        data.rename_subkey(&archive_active, &target_active);
        set_text(data, layout::ACTIVE_CONFIG_VALUE, &target_active);
        if let Some(config) = data.subkey_mut(&target_active) {
            rename_in_node_paths(config, &archive_active, &target_active);
        }
    }
    let config_path = join(&data_path, &target_active);
    incoming.replaced.push((config_path.clone(), NAME));
    let detail = format!(
        "the archive's active configuration {archive_active} overwrites the target's active \
         configuration {target_active} and its default profile"
    );
    log.change(&incoming.component, &config_path, NAME, detail.clone());
    log.notice(&incoming.component, NAME, detail);
    checklist::note(
        log,
        Step::Attendant,
        vec![format!("configuration {target_active}")],
    );
    Ok(())
}

/// Node paths name the configuration right after `AttendantData`, or first when they start
/// at the configuration.
fn rename_in_node_paths(config: &mut Key, old: &str, new: &str) {
    for value in config.values_mut() {
        rewrite_strings(value, |text| {
            let rename = |element: &str| same(element, old).then(|| new.to_string());
            rewrite_element_after(text, ATTENDANT_DATA_ELEMENT, rename).or_else(|| {
                let rest = text.trim_start_matches('\\');
                let (first, tail) = rest.split_at(rest.find('\\').unwrap_or(rest.len()));
                let prefix = &text[..text.len() - rest.len()];
                (same(first, old) && !tail.is_empty()).then(|| format!("{prefix}{new}{tail}"))
            })
        });
    }
    for child in config.subkeys_mut() {
        rename_in_node_paths(child, old, new);
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::{self, Fixture};
    use super::*;

    #[test]
    fn the_archive_configuration_lands_in_the_target_active_one() {
        let fx = Fixture::new();
        let mut attendant = fixtures::incoming(
            "Interaction Attendant",
            &fx.source_tree,
            &[layout::ATTENDANT_DATA],
        );
        let mut log = RuleLog::default();
        super::super::apply_all(
            &fx.migration(),
            std::slice::from_mut(&mut attendant),
            &mut log,
        )
        .unwrap();
        let data_path = fixtures::path("Chicago", "helios", layout::ATTENDANT_DATA);
        let data = attendant.tree.find(&data_path).unwrap();
        assert_eq!(
            data.text(layout::ACTIVE_CONFIG_VALUE).as_deref(),
            Some("Attendant2023")
        );
        let names: Vec<&str> = data.subkeys().map(Key::name).collect();
        assert_eq!(names, ["Attendant2023"]);
        let active = join(&data_path, "Attendant2023");
        assert_eq!(
            attendant.replaced,
            [(active, NAME)],
            "the target's nodes do not stay"
        );
        let profile = data.find("Attendant2023\\Default Profile").unwrap();
        assert_eq!(
            profile.text(layout::FULL_NODE_PATH_VALUE).as_deref(),
            Some("\\Chicago\\Production\\helios\\AttendantData\\Attendant2023\\Default Profile")
        );
        assert_eq!(
            profile.text("Prompt").as_deref(),
            Some("C:\\I3\\IC\\Resources\\InteractionAttendantWaves\\fr\\welcome.wav")
        );
        assert_eq!(log.notices.len(), 1);
        assert_eq!(
            log.notices[0].text,
            "the archive's active configuration Attendant overwrites the target's active \
             configuration Attendant2023 and its default profile"
        );
        let step = log.checklist.iter().find(|s| s.id == "attendant").unwrap();
        assert_eq!(step.items, ["configuration Attendant2023"]);
    }

    #[test]
    fn node_paths_starting_at_the_configuration_follow_it() {
        let mut config = Key::new("Attendant");
        let node = config.ensure("Inbound");
        node.set_value(crate::registry::Value::sz(
            "FullNodePath",
            "Attendant\\Inbound",
        ));
        rename_in_node_paths(&mut config, "Attendant", "Main");
        assert_eq!(
            config
                .find("Inbound")
                .unwrap()
                .text("FullNodePath")
                .as_deref(),
            Some("Main\\Inbound")
        );
    }
}
