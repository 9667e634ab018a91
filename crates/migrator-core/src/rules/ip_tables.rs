//! Rule `ip-tables-migrated`: each imported Interaction Processor table T is written as
//! `T_migrated`, so the target's own table stays untouched, as server parameters are.

use super::server_parameters::append_migrated;
use super::{Components, Rule, RuleContext, CIC, MIGRATION};
use crate::error::Result;
use crate::incoming::{Incoming, RuleLog};
use crate::layout;

/// The rule's name.
pub const NAME: &str = "ip-tables-migrated";

/// The rule's entry in the table.
pub const RULE: Rule = Rule {
    name: NAME,
    description: "imports each IP table T as T_migrated beside the target's own T",
    // Every component, as for server parameters.
    components: Components::Every,
    kinds: CIC,
    modes: MIGRATION,
    apply,
};

fn apply(ctx: &RuleContext, incoming: &mut Incoming, log: &mut RuleLog) -> Result<()> {
    append_migrated(ctx, incoming, log, layout::IP_TABLES, NAME);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::{self, Fixture};
    use super::*;
    use crate::registry::join;

    #[test]
    fn tables_get_the_suffix_and_keep_their_rows() {
        let fx = Fixture::new();
        let mut tables = fixtures::incoming("IP Tables", &fx.source_tree, &[layout::IP_TABLES]);
        let mut log = RuleLog::default();
        super::super::apply_all(&fx.migration(), std::slice::from_mut(&mut tables), &mut log)
            .unwrap();
        let container = fixtures::path("Chicago", "helios", layout::IP_TABLES);
        let key = tables
            .tree
            .find(&join(&container, "Holidays_migrated"))
            .unwrap();
        assert_eq!(
            key.value("Rows").unwrap().as_strings().unwrap(),
            ["2016-12-25", "2016-07-04"]
        );
        let details: Vec<&str> = log.changes_by(NAME).map(|c| c.detail.as_str()).collect();
        assert_eq!(
            details,
            [
                "renamed from Holidays (the target keeps its own Holidays)",
                "renamed from VIP Callers (custom: the target has no VIP Callers)",
            ]
        );
        let step = log
            .checklist
            .iter()
            .find(|s| s.id == "review-migrated")
            .unwrap();
        assert_eq!(step.items, ["Holidays_migrated", "VIP Callers_migrated"]);
    }
}
