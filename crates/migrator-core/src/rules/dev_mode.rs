//! Rule `dev-mode`: with `--dev-mode`, the Recordings Rescue ID attribute of Interaction
//! Recorder is not imported, so a development server never rescues the production server's
//! recordings.

use super::support::{exclude, value_path};
use super::{components, Components, Rule, RuleContext, BOTH, CIC};
use crate::error::Result;
use crate::incoming::{Incoming, RuleLog};
use crate::layout;
use crate::registry::join;

/// The rule's name.
pub const NAME: &str = "dev-mode";

/// The rule's entry in the table.
pub const RULE: Rule = Rule {
    name: NAME,
    description: "with --dev-mode, leaves out the Recordings Rescue ID of Interaction Recorder",
    components: Components::Named(&[components::RECORDER]),
    kinds: CIC,
    modes: BOTH,
    apply,
};

fn apply(ctx: &RuleContext, incoming: &mut Incoming, log: &mut RuleLog) -> Result<()> {
    if !ctx.options.dev_mode {
        return Ok(());
    }
    let recorder_path = ctx.incoming_path(layout::RECORDER);
    let Some(recorder) = incoming.tree.find(&recorder_path) else {
        return Ok(());
    };
    // Seen as a value of the recorder key; a key of that name is left out as well.
    let path = if recorder.value(layout::RECORDINGS_RESCUE_ID).is_some() {
        Some(value_path(&recorder_path, layout::RECORDINGS_RESCUE_ID))
    } else if recorder.subkey(layout::RECORDINGS_RESCUE_ID).is_some() {
        Some(join(&recorder_path, layout::RECORDINGS_RESCUE_ID))
    } else {
        None
    };
    if let Some(path) = path {
        exclude(incoming, path.clone(), NAME);
        let detail = "not imported: --dev-mode keeps the production rescue ID off this server";
        log.change(&incoming.component, &path, NAME, detail.to_string());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::{self, Fixture};
    use super::super::RuleOptions;
    use super::*;
    use crate::incoming::ImportMode;

    fn run(dev_mode: bool) -> (Incoming, RuleLog) {
        let fx = Fixture::new();
        let mut recorder =
            fixtures::incoming("Interaction Recorder", &fx.source_tree, &[layout::RECORDER]);
        let options = RuleOptions {
            dev_mode,
            ..RuleOptions::default()
        };
        let ctx = fx.context(ImportMode::Migration, options);
        let mut log = RuleLog::default();
        super::super::apply_all(&ctx, std::slice::from_mut(&mut recorder), &mut log).unwrap();
        (recorder, log)
    }

    #[test]
    fn dev_mode_excludes_the_rescue_id_only() {
        let (recorder, log) = run(true);
        let path = fixtures::path("Chicago", "helios", layout::RECORDER);
        let rescue = value_path(&path, layout::RECORDINGS_RESCUE_ID);
        assert_eq!(recorder.excluded, [(rescue.clone(), NAME)]);
        assert_eq!(log.rule_for(&rescue), Some(NAME));
        assert_eq!(
            log.rule_for(&value_path(&path, "Retention Days")),
            Some(super::super::rename::NAME)
        );
    }

    #[test]
    fn without_dev_mode_the_rescue_id_is_imported() {
        let (recorder, log) = run(false);
        assert!(recorder.excluded.is_empty());
        assert_eq!(log.changes_by(NAME).count(), 0);
    }
}
