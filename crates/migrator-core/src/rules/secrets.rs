//! Rule `secrets-reset`: structured parameters of type Secrets are imported as they are and
//! listed for reset, in both modes, because their values are encrypted with a key bound to the
//! machine that wrote them. Their values never appear in the log or the checklist.

use super::support::first_string;
use super::{components, Components, Rule, RuleContext, BOTH, CIC};
use crate::checklist::{self, Step};
use crate::error::Result;
use crate::incoming::{Incoming, RuleLog};
use crate::layout;
use crate::registry::join;

/// The rule's name.
pub const NAME: &str = "secrets-reset";

/// The rule's entry in the table.
pub const RULE: Rule = Rule {
    name: NAME,
    description: "imports structured parameters of type Secrets as they are and lists them for \
                  reset",
    components: Components::Named(&[components::STRUCTURED_PARAMETERS]),
    kinds: CIC,
    modes: BOTH,
    apply,
};

fn apply(ctx: &RuleContext, incoming: &mut Incoming, log: &mut RuleLog) -> Result<()> {
    let container = ctx.incoming_path(layout::STRUCTURED_PARAMETERS);
    let Some(parameters) = incoming.tree.find(&container) else {
        return Ok(());
    };
    let secrets: Vec<String> = parameters
        .subkeys()
        .filter(|key| {
            first_string(key, layout::STRUCTURED_TYPE)
                .is_some_and(|kind| kind.eq_ignore_ascii_case(layout::STRUCTURED_TYPE_SECRETS))
        })
        .map(|key| key.name().to_string())
        .collect();
    for name in &secrets {
        let detail = "type Secrets: imported as it is; its values must be reset";
        log.change(
            &incoming.component,
            &join(&container, name),
            NAME,
            detail.to_string(),
        );
    }
    if !secrets.is_empty() {
        checklist::note(log, Step::ResetSecrets, secrets);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::{self, Fixture};
    use super::*;

    #[test]
    fn secrets_are_listed_by_name_in_both_modes_and_kept_as_they_are() {
        let fx = Fixture::new();
        for ctx in [fx.migration(), fx.recovery()] {
            let mut parameters = fixtures::incoming(
                "Structured Parameters",
                &fx.source_tree,
                &[layout::STRUCTURED_PARAMETERS],
            );
            let before = parameters.clone();
            let mut log = RuleLog::default();
            super::super::apply_all(&ctx, std::slice::from_mut(&mut parameters), &mut log).unwrap();
            let step = log
                .checklist
                .iter()
                .find(|s| s.id == "reset-secrets")
                .unwrap();
            assert_eq!(step.items, ["CRM Credentials"]);
            assert!(parameters.excluded.is_empty());
            let values = |incoming: &Incoming| {
                incoming
                    .tree
                    .walk()
                    .into_iter()
                    .find(|(_, key)| key.name() == "CRM Credentials")
                    .map(|(_, key)| key.value("Values").cloned())
            };
            assert_eq!(values(&parameters), values(&before));
            let written = serde_json::to_string(&log).unwrap();
            assert!(
                !written.contains("Tr0ub4dor"),
                "a secret value reached the log"
            );
        }
    }
}
