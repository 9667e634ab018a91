//! Rule `server-parameters-migrated`: each imported server parameter P is written as
//! `P_migrated`, so the target's own P stays untouched; the pairs are reported and listed for
//! review (or for `migrator resolve-parameters`). [`append_migrated`] does the same for IP
//! tables.

use super::{Components, Rule, RuleContext, CIC, MIGRATION};
use crate::checklist::{self, Step};
use crate::error::Result;
use crate::incoming::{Incoming, RuleLog};
use crate::layout;
use crate::registry::join;

/// The rule's name.
pub const NAME: &str = "server-parameters-migrated";

/// The rule's entry in the table.
pub const RULE: Rule = Rule {
    name: NAME,
    description: "imports each server parameter P as P_migrated beside the target's own P",
    // Every component: one carrying server parameters besides its own data (a crafted or
    // hand-edited archive) must not overwrite the target's parameters either.
    components: Components::Every,
    kinds: CIC,
    modes: MIGRATION,
    apply,
};

fn apply(ctx: &RuleContext, incoming: &mut Incoming, log: &mut RuleLog) -> Result<()> {
    append_migrated(ctx, incoming, log, layout::SERVER_PARAMETERS, NAME);
    Ok(())
}

/// The name an imported item takes: `P` becomes `P_migrated`.
pub fn migrated_name(name: &str) -> String {
    format!("{name}{}", layout::MIGRATED_SUFFIX)
}

/// Renames every subkey of the container at `layout_path` to its `_migrated` name, logs each
/// pair and lists the new names for review.
pub fn append_migrated(
    ctx: &RuleContext,
    incoming: &mut Incoming,
    log: &mut RuleLog,
    layout_path: &str,
    rule: &'static str,
) {
    let container_path = ctx.incoming_path(layout_path);
    let Some(container) = incoming.tree.find_mut(&container_path) else {
        return;
    };
    let mut names: Vec<String> = container.subkeys().map(|k| k.name().to_string()).collect();
    // Longest first, so `P_migrated` moves away before `P` takes its name.
    names.sort_by_key(|name| std::cmp::Reverse(name.len()));
    let target = ctx.target_key(layout_path);
    let mut renamed = Vec::new();
    for name in names {
        let new = migrated_name(&name);
        if !container.rename_subkey(&name, &new) {
            continue;
        }
        let from = match target.and_then(|key| key.subkey(&name)) {
            Some(own) => format!("{name} (the target keeps its own {})", own.name()),
            None => format!("{name} (custom: the target has no {name})"),
        };
        renamed.push((new, from));
    }
    let order: Vec<String> = container.subkeys().map(|k| k.name().to_string()).collect();
    renamed.sort_by_key(|(name, _)| order.iter().position(|n| n == name));
    for (new, from) in &renamed {
        log.renamed(&incoming.component, &join(&container_path, new), rule, from);
    }
    if !renamed.is_empty() {
        let names = renamed.into_iter().map(|(name, _)| name).collect();
        checklist::note(log, Step::ReviewMigrated, names);
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::{self, Fixture};
    use super::*;

    /// The server parameters of helios that `incoming` holds, in stored order.
    fn parameter_names(incoming: &Incoming) -> Vec<String> {
        let container = fixtures::path("Chicago", "helios", layout::SERVER_PARAMETERS);
        let key = incoming
            .tree
            .find(&container)
            .expect("the parameters container");
        key.subkeys().map(|k| k.name().to_string()).collect()
    }

    #[test]
    fn every_parameter_gets_the_suffix_and_the_pairs_are_reported() {
        let fx = Fixture::new();
        let mut parameters = fixtures::incoming(
            "Server Parameters",
            &fx.source_tree,
            &[layout::SERVER_PARAMETERS],
        );
        let mut log = RuleLog::default();
        super::super::apply_all(
            &fx.migration(),
            std::slice::from_mut(&mut parameters),
            &mut log,
        )
        .unwrap();
        let container = fixtures::path("Chicago", "helios", layout::SERVER_PARAMETERS);
        let names = parameter_names(&parameters);
        assert_eq!(
            names,
            [
                "Report File Path_migrated",
                "Recording Share_migrated",
                "Notifier Host_migrated",
                "Greeting_migrated",
                "LineQueueReportingInterval_migrated",
                "QueuePeriodStatisticsInterval_migrated",
                "Custom Escalation Minutes_migrated",
            ]
        );
        let detail = |name: &str| {
            log.changes_by(NAME)
                .find(|c| c.path == join(&container, name))
                .map(|c| c.detail.clone())
                .unwrap()
        };
        assert_eq!(
            detail("Report File Path_migrated"),
            "renamed from Report File Path (the target keeps its own Report File Path)"
        );
        assert_eq!(
            detail("Greeting_migrated"),
            "renamed from Greeting (custom: the target has no Greeting)"
        );
        let step = log
            .checklist
            .iter()
            .find(|s| s.id == "review-migrated")
            .unwrap();
        assert_eq!(step.items, names);
        assert_eq!(
            log.rule_for(&join(&container, "Greeting_migrated")),
            Some(NAME)
        );
    }

    #[test]
    fn parameters_carried_by_another_component_get_the_suffix_too() {
        let fx = Fixture::new();
        let mut users = fixtures::incoming(
            "Users",
            &fx.source_tree,
            &[layout::USERS, layout::SERVER_PARAMETERS],
        );
        let mut log = RuleLog::default();
        super::super::apply_all(&fx.migration(), std::slice::from_mut(&mut users), &mut log)
            .unwrap();
        let names = parameter_names(&users);
        assert!(!names.is_empty());
        assert!(names.iter().all(|n| n.ends_with("_migrated")), "{names:?}");
    }

    #[test]
    fn an_archive_holding_both_p_and_p_migrated_keeps_both() {
        let fx = Fixture::new();
        let ctx = fx.migration();
        let mut parameters = Incoming::new("Server Parameters");
        let container = fixtures::path("Chicago", "helios", layout::SERVER_PARAMETERS);
        for name in ["Retries", "Retries_migrated"] {
            parameters.tree.ensure(&join(&container, name));
        }
        let mut log = RuleLog::default();
        append_migrated(
            &ctx,
            &mut parameters,
            &mut log,
            layout::SERVER_PARAMETERS,
            NAME,
        );
        let names = parameter_names(&parameters);
        assert_eq!(names, ["Retries_migrated", "Retries_migrated_migrated"]);
    }
}
