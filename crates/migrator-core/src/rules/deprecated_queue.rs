//! Rule `deprecated-queue-parameters`: the server parameters LineQueueReportingInterval and
//! QueuePeriodStatisticsInterval were replaced by the Report Configuration tab; they are
//! imported, listed, and the checklist says to run IC Setup Assistant, which moves them.

use super::{components, Components, Rule, RuleContext, CIC, MIGRATION};
use crate::checklist::{self, Step};
use crate::error::Result;
use crate::incoming::{Incoming, RuleLog};
use crate::layout;
use crate::registry::join;

/// The rule's name.
pub const NAME: &str = "deprecated-queue-parameters";

/// The deprecated parameters.
pub const DEPRECATED: &[&str] = &[
    layout::LINE_QUEUE_REPORTING_INTERVAL,
    layout::QUEUE_PERIOD_STATISTICS_INTERVAL,
];

/// The rule's entry in the table.
pub const RULE: Rule = Rule {
    name: NAME,
    description: "lists LineQueueReportingInterval and QueuePeriodStatisticsInterval for IC \
                  Setup Assistant to move",
    components: Components::Named(&[components::SERVER_PARAMETERS]),
    kinds: CIC,
    modes: MIGRATION,
    apply,
};

fn apply(ctx: &RuleContext, incoming: &mut Incoming, log: &mut RuleLog) -> Result<()> {
    let container = ctx.incoming_path(layout::SERVER_PARAMETERS);
    let Some(parameters) = incoming.tree.find(&container) else {
        return Ok(());
    };
    let found: Vec<String> = DEPRECATED
        .iter()
        .filter_map(|name| parameters.subkey(name))
        .map(|key| key.name().to_string())
        .collect();
    for name in &found {
        let detail = "deprecated queue parameter: run IC Setup Assistant to move it";
        log.change(
            &incoming.component,
            &join(&container, name),
            NAME,
            detail.to_string(),
        );
    }
    if !found.is_empty() {
        checklist::note(log, Step::DeprecatedQueueParameters, found);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::{self, Fixture};
    use super::*;

    #[test]
    fn both_deprecated_parameters_are_listed_for_setup_assistant() {
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
        let step = log
            .checklist
            .iter()
            .find(|s| s.id == "deprecated-queue-parameters")
            .unwrap();
        assert_eq!(
            step.items,
            [
                "LineQueueReportingInterval",
                "QueuePeriodStatisticsInterval"
            ]
        );
        assert_eq!(log.changes_by(NAME).count(), 2);
    }
}
