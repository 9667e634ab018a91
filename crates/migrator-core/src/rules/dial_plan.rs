//! Rule `dial-plan-overwrite`: in both modes, the dial plan entries and files overwrite the
//! target's with no merge, and the plan says so before its actions. The `Classifications`
//! value of the dial plan configuration key keeps the target's classifications and receives
//! every classification of the archive it lacks, under the class name of the target's
//! release (`version::classification_class`).

use super::support::{landing_path, strings_of, value_path};
use super::{components, Components, Rule, RuleContext, BOTH, CIC};
use crate::error::Result;
use crate::incoming::{FilePolicy, Incoming, RuleLog};
use crate::layout;
use crate::registry::Value;
use crate::version::classification_class;

use super::context::same;

/// The rule's name.
pub const NAME: &str = "dial-plan-overwrite";

/// The rule's entry in the table.
pub const RULE: Rule = Rule {
    name: NAME,
    description: "overwrites the target's dial plan (said first in the plan) and adds every \
                  classification with the target release's class name",
    components: Components::Named(&[components::DIAL_PLAN]),
    kinds: CIC,
    modes: BOTH,
    apply,
};

fn apply(ctx: &RuleContext, incoming: &mut Incoming, log: &mut RuleLog) -> Result<()> {
    log.notice(
        &incoming.component,
        NAME,
        "the imported dial plan entries and files overwrite the target's; nothing is merged, so \
         back up the target's dial plan first if it holds changes to keep"
            .to_string(),
    );
    for file in &mut incoming.files {
        file.policy = FilePolicy::Overwrite;
        let detail = "dial plan file: overwrites the target's";
        log.change(
            &incoming.component,
            &landing_path(file),
            NAME,
            detail.to_string(),
        );
    }
    merge_classifications(ctx, incoming, log);
    Ok(())
}

/// A classification item: `class:name`, or a bare name.
fn classification(item: &str) -> &str {
    item.split_once(':').map_or(item, |(_, name)| name)
}

fn merge_classifications(ctx: &RuleContext, incoming: &mut Incoming, log: &mut RuleLog) {
    let path = ctx.incoming_path(layout::DIAL_PLAN_CONFIGURATION);
    let Some(key) = incoming.tree.find_mut(&path) else {
        return;
    };
    let Some(value) = key.value(layout::CLASSIFICATIONS_VALUE) else {
        return;
    };
    let archive = strings_of(value);
    let mut merged: Vec<String> = ctx
        .target_key(layout::DIAL_PLAN_CONFIGURATION)
        .and_then(|target| target.value(layout::CLASSIFICATIONS_VALUE))
        .map(strings_of)
        .unwrap_or_default();
    let class = classification_class(ctx.target.version);
    let mut added = Vec::new();
    for item in &archive {
        let name = classification(item);
        if !merged.iter().any(|have| same(classification(have), name)) {
            merged.push(format!("{class}:{name}"));
            added.push(name.to_string());
        }
    }
    if merged == archive {
        return;
    }
    key.set_value(Value::multi_sz(layout::CLASSIFICATIONS_VALUE, &merged));
    let detail = if added.is_empty() {
        "classifications: the target already has every one of the archive".to_string()
    } else {
        format!("classifications {} added as {class}", added.join(", "))
    };
    let value = value_path(&path, layout::CLASSIFICATIONS_VALUE);
    log.merged(&incoming.component, &value, NAME, &detail);
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::{self, Fixture};
    use super::*;

    fn dial_plan(fx: &Fixture) -> Incoming {
        let mut incoming = fixtures::incoming(
            "Dial Plan",
            &fx.source_tree,
            &[layout::DIAL_PLAN, layout::DIAL_PLAN_CONFIGURATION],
        );
        fx.file(&mut incoming, "Server/DialPlan/DialPlan.i3dp", b"plan");
        incoming
    }

    #[test]
    fn classifications_take_the_target_class_and_keep_the_target_ones() {
        let fx = Fixture::new();
        let mut incoming = dial_plan(&fx);
        let mut log = RuleLog::default();
        super::super::apply_all(
            &fx.migration(),
            std::slice::from_mut(&mut incoming),
            &mut log,
        )
        .unwrap();
        let path = fixtures::path("Chicago", "helios", layout::DIAL_PLAN_CONFIGURATION);
        let value = incoming
            .tree
            .find(&path)
            .unwrap()
            .value("Classifications")
            .unwrap();
        assert_eq!(
            value.as_strings().unwrap(),
            [
                "RegionalDialPlanClassification:Local",
                "RegionalDialPlanClassification:Emergency",
                "RegionalDialPlanClassification:Long Distance",
                "RegionalDialPlanClassification:International",
            ]
        );
        assert_eq!(incoming.files[0].policy, FilePolicy::Overwrite);
        assert_eq!(log.notices.len(), 1);
        let classifications = value_path(&path, "Classifications");
        assert_eq!(log.rule_for(&classifications), Some(NAME));
        let change = log.change_for(&classifications).unwrap();
        assert_eq!(
            change.detail,
            "merged: classifications Long Distance, International added as \
             RegionalDialPlanClassification"
        );
    }

    #[test]
    fn recovery_keeps_the_class_of_the_same_release() {
        let fx = Fixture::new();
        let mut incoming = dial_plan(&fx);
        let before = incoming.tree.clone();
        let mut log = RuleLog::default();
        super::super::apply_all(
            &fx.recovery(),
            std::slice::from_mut(&mut incoming),
            &mut log,
        )
        .unwrap();
        assert_eq!(
            incoming.tree, before,
            "2016 R1 onto 2016 R1 changes no classification"
        );
        assert_eq!(incoming.files[0].policy, FilePolicy::Overwrite);
    }
}
