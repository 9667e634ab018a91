//! Rule `telephony-platform`: imported lines, line groups and stations need their telephony
//! resources redetected and SIP lines their network adapter checked on the new server; when
//! the administrator says the telephony platform changes (`--new-telephony-platform`), they
//! are not imported at all, since board and port configurations differ between platforms.

use super::support::{exclude, subkey_names};
use super::{components, Components, Rule, RuleContext, CIC, MIGRATION};
use crate::checklist::{self, Step};
use crate::error::Result;
use crate::incoming::{Destination, Incoming, RuleLog};
use crate::layout;

/// The rule's name.
pub const NAME: &str = "telephony-platform";

/// The rule's entry in the table.
pub const RULE: Rule = Rule {
    name: NAME,
    description: "lists lines and stations for telephony redetection, or leaves them out when \
                  the telephony platform changes",
    components: Components::Named(&[
        components::LINES,
        components::LINE_GROUPS,
        components::WORKSTATIONS,
    ]),
    kinds: CIC,
    modes: MIGRATION,
    apply,
};

/// The telephony containers, with the word the checklist uses for their entries.
const CONTAINERS: &[(&str, &str)] = &[
    (layout::LINES, "line"),
    (layout::LINE_GROUPS, "line group"),
    (layout::WORKSTATIONS, "station"),
];

fn apply(ctx: &RuleContext, incoming: &mut Incoming, log: &mut RuleLog) -> Result<()> {
    let mut items = Vec::new();
    for (layout_path, word) in CONTAINERS {
        let path = ctx.incoming_path(layout_path);
        let names = subkey_names(incoming, &path);
        if names.is_empty() {
            continue;
        }
        items.extend(names.iter().map(|name| format!("{word} {name}")));
        if ctx.options.new_telephony_platform {
            exclude(incoming, path.clone(), NAME);
            let detail = "not imported: the telephony platform changes";
            log.change(&incoming.component, &path, NAME, detail.to_string());
        }
    }
    if ctx.options.new_telephony_platform {
        for file in &mut incoming.files {
            file.destination = Destination::Skip;
        }
    }
    if !items.is_empty() {
        let step = match ctx.options.new_telephony_platform {
            true => Step::RecreateTelephony,
            false => Step::Telephony,
        };
        checklist::note(log, step, items);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::{self, Fixture};
    use super::super::RuleOptions;
    use super::*;
    use crate::incoming::ImportMode;

    fn telephony(fx: &Fixture) -> Vec<Incoming> {
        vec![
            fixtures::incoming("Lines", &fx.source_tree, &[layout::LINES]),
            fixtures::incoming("Line Groups", &fx.source_tree, &[layout::LINE_GROUPS]),
            fixtures::incoming("Workstations", &fx.source_tree, &[layout::WORKSTATIONS]),
        ]
    }

    #[test]
    fn lines_and_stations_are_listed_for_redetection() {
        let fx = Fixture::new();
        let mut incoming = telephony(&fx);
        let mut log = RuleLog::default();
        super::super::apply_all(&fx.migration(), &mut incoming, &mut log).unwrap();
        assert!(incoming.iter().all(|c| c.excluded.is_empty()));
        let step = log.checklist.iter().find(|s| s.id == "telephony").unwrap();
        assert_eq!(
            step.items,
            [
                "line ISDN1",
                "line SIP-Carrier",
                "line group Outbound",
                "station 1001"
            ]
        );
    }

    #[test]
    fn a_new_telephony_platform_leaves_them_out() {
        let fx = Fixture::new();
        let options = RuleOptions {
            new_telephony_platform: true,
            ..RuleOptions::default()
        };
        let ctx = fx.context(ImportMode::Migration, options);
        let mut incoming = telephony(&fx);
        let mut log = RuleLog::default();
        super::super::apply_all(&ctx, &mut incoming, &mut log).unwrap();
        let lines = fixtures::path("Chicago", "helios", layout::LINES);
        assert_eq!(incoming[0].excluded, [(lines.clone(), NAME)]);
        assert!(log.checklist.iter().all(|s| s.id != "telephony"));
        let step = log
            .checklist
            .iter()
            .find(|s| s.id == "recreate-telephony")
            .unwrap();
        assert_eq!(step.items.len(), 4);
        assert!(log.unresolved.is_empty(), "excluded data is not scanned");
    }
}
