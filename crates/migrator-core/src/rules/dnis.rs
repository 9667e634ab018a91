//! Rule `dnis-merge`: the DNIS routing table is merged instead of overwritten. The target's
//! rows stay; imported rows are added; an imported row whose DNIS the target already routes
//! replaces that row, and the replaced row is reported.
//!
//! Rows are matched by their DNIS, not by their key names: an imported row that routes the
//! same DNIS as a target row takes that row's key name, and an imported row whose key name the
//! target uses for another DNIS gets a free name, so no target row is lost.

use std::collections::HashSet;

use super::support::{first_string, strings_of};
use super::{components, Components, Rule, RuleContext, CIC, MIGRATION};
use crate::error::Result;
use crate::incoming::{Incoming, RuleLog};
use crate::layout;
use crate::registry::{fold, join, Key};

use super::context::same;

/// The rule's name.
pub const NAME: &str = "dnis-merge";

/// The rule's entry in the table.
pub const RULE: Rule = Rule {
    name: NAME,
    description: "merges the DNIS routing table: target rows stay, imported rows are added, a \
                  row with the same DNIS is replaced and reported",
    components: Components::Named(&[components::DNIS_MAPPINGS]),
    kinds: CIC,
    modes: MIGRATION,
    apply,
};

fn apply(ctx: &RuleContext, incoming: &mut Incoming, log: &mut RuleLog) -> Result<()> {
    let container_path = ctx.incoming_path(layout::DNIS_MAPPINGS);
    let Some(container) = incoming.tree.find_mut(&container_path) else {
        return Ok(());
    };
    let target_rows: Vec<&Key> = ctx
        .target_key(layout::DNIS_MAPPINGS)
        .map(|key| key.subkeys().collect())
        .unwrap_or_default();
    let rows = container.take_subkeys();
    let mut taken: Vec<String> = target_rows.iter().map(|r| r.name().to_string()).collect();
    // The names taken so far in their folded form, so each row is checked in one look-up.
    let mut folded: HashSet<String> = taken.iter().map(|name| fold(name)).collect();
    let mut placed = Vec::with_capacity(rows.len());
    for mut row in rows {
        let dnis = dnis_of(&row);
        let (name, outcome) = match target_rows.iter().find(|t| same(&dnis_of(t), &dnis)) {
            Some(replaced) => (replaced.name().to_string(), Outcome::Replaces(replaced)),
            None if folded.contains(&fold(row.name())) => {
                let free = free_name(row.name(), &taken);
                (free, Outcome::Moved(row.name().to_string()))
            }
            None => (row.name().to_string(), Outcome::Added(dnis)),
        };
        folded.insert(fold(&name));
        taken.push(name.clone());
        row.set_name(name);
        placed.push((row, outcome));
    }
    for (row, outcome) in placed {
        let path = join(&container_path, row.name());
        container.insert_subkey(row);
        let component = &incoming.component;
        match outcome {
            Outcome::Replaces(replaced) => {
                incoming.replaced.push((path.clone(), NAME));
                let detail = format!(
                    "replaces the target's row {}: {}",
                    replaced.name(),
                    summary(replaced)
                );
                log.merged(component, &path, NAME, &detail);
            }
            Outcome::Moved(old) => {
                let from = format!("{old} (the target's row {old} routes another DNIS)");
                log.renamed(component, &path, NAME, &from);
            }
            Outcome::Added(dnis) => {
                log.change(component, &path, NAME, format!("added: DNIS {dnis}"))
            }
        }
    }
    Ok(())
}

/// What happens to one imported row.
enum Outcome<'t> {
    /// It routes a DNIS the target routes: it replaces that row.
    Replaces(&'t Key),
    /// Its key name is the target's for another DNIS: it moves to a free name.
    Moved(String),
    /// It is new to the target.
    Added(String),
}

/// A row's DNIS: its DNIS value, or its key name when it has none.
fn dnis_of(row: &Key) -> String {
    first_string(row, layout::DNIS_VALUE).unwrap_or_else(|| row.name().to_string())
}

/// "DNIS 3175550199, Destination Type user, Extension 2000".
fn summary(row: &Key) -> String {
    let parts: Vec<String> = row
        .values()
        .map(|value| format!("{} {}", value.name(), strings_of(value).join(" ")))
        .collect();
    parts.join(", ")
}

/// A key name no row uses: the next number when rows are numbered, else `NAME (2)`, ...
fn free_name(name: &str, taken: &[String]) -> String {
    let numbers: Option<Vec<u64>> = taken.iter().map(|t| t.parse().ok()).collect();
    if let (Some(numbers), Ok(_)) = (numbers, name.parse::<u64>()) {
        return (numbers.into_iter().max().unwrap_or(0) + 1).to_string();
    }
    (2..)
        .map(|n| format!("{name} ({n})"))
        .find(|candidate| !taken.iter().any(|t| same(t, candidate)))
        .unwrap_or_else(|| name.to_string())
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::{self, Fixture};
    use super::*;

    #[test]
    fn rows_merge_by_dnis_and_no_target_row_is_lost() {
        let fx = Fixture::new();
        let mut dnis =
            fixtures::incoming("DNIS Mappings", &fx.source_tree, &[layout::DNIS_MAPPINGS]);
        let mut log = RuleLog::default();
        super::super::apply_all(&fx.migration(), std::slice::from_mut(&mut dnis), &mut log)
            .unwrap();
        let container = fixtures::path("Chicago", "helios", layout::DNIS_MAPPINGS);
        let rows: Vec<(String, String)> = dnis
            .tree
            .find(&container)
            .unwrap()
            .subkeys()
            .map(|row| (row.name().to_string(), dnis_of(row)))
            .collect();
        // Imported row 1 (3175550100) would overwrite the target's row 1 (3175550199): it
        // becomes row 3. Imported row 2 routes 3175550199, so it replaces the target's row 1.
        assert_eq!(
            rows,
            [
                ("3".to_string(), "3175550100".to_string()),
                ("1".to_string(), "3175550199".to_string()),
            ]
        );
        let details: Vec<&str> = log.changes_by(NAME).map(|c| c.detail.as_str()).collect();
        assert_eq!(
            details,
            [
                "renamed from 1 (the target's row 1 routes another DNIS)",
                "merged: replaces the target's row 1: DNIS 3175550199, Destination Type user, \
                 Extension 2000",
            ]
        );
    }

    #[test]
    fn named_rows_get_a_numbered_free_name() {
        let taken = vec!["Main".to_string(), "Main (2)".to_string()];
        assert_eq!(free_name("Main", &taken), "Main (3)");
        assert_eq!(free_name("4", &["1".to_string(), "7".to_string()]), "8");
    }
}
