//! Rule `language-folders`: localized attendant waves and prompts are imported as they are,
//! except that base-language folders of `InteractionAttendantWaves` take the single-element
//! name (`fr-fr` becomes `fr`) when the target's release uses that convention and the
//! archive's did not; attendant values pointing into those folders follow. Localized handlers
//! are kept out of the server by the handlers rule.

use super::support::{below, rewrite_element_after, rewrite_strings};
use super::{components, Components, Rule, RuleContext, CIC, MIGRATION};
use crate::error::Result;
use crate::incoming::{Destination, Incoming, RuleLog};
use crate::layout;
use crate::registry::{join, Key};
use crate::version::Feature;

/// The rule's name.
pub const NAME: &str = "language-folders";

/// The rule's entry in the table.
pub const RULE: Rule = Rule {
    name: NAME,
    description: "renames base-language attendant wave folders to single-element names (fr-fr \
                  becomes fr) when the target uses them",
    components: Components::Named(&[components::LANGUAGE_PACKS, components::ATTENDANT]),
    kinds: CIC,
    modes: MIGRATION,
    apply,
};

/// The last element of the attendant waves folder, as it appears inside paths.
const WAVES_ELEMENT: &str = "InteractionAttendantWaves";

fn apply(ctx: &RuleContext, incoming: &mut Incoming, log: &mut RuleLog) -> Result<()> {
    let feature = Feature::SingleElementLanguageFolders;
    if ctx.source.version.has(feature) || !ctx.target.version.has(feature) {
        return Ok(());
    }
    for file in &mut incoming.files {
        let Destination::Install(path) = &file.destination else {
            continue;
        };
        let Some(rest) = below(path, layout::ATTENDANT_WAVES_DIR) else {
            continue;
        };
        let (folder, tail) = rest.split_at(rest.find('\\').unwrap_or(rest.len()));
        if let Some(base) = single_element(folder) {
            let to = format!("{}\\{base}{tail}", layout::ATTENDANT_WAVES_DIR);
            let detail = format!("language folder {folder} renamed {base}");
            log.change(&incoming.component, &to, NAME, detail);
            file.destination = Destination::Install(to);
        }
    }
    let data_path = ctx.incoming_path(layout::ATTENDANT_DATA);
    let mut changed = Vec::new();
    if let Some(data) = incoming.tree.find_mut(&data_path) {
        rename_in_values(data, &data_path, &mut changed);
    }
    for path in changed {
        let detail = "wave paths follow the single-element language folders".to_string();
        log.change(&incoming.component, &path, NAME, detail);
    }
    Ok(())
}

/// The single-element name of a base-language folder: `fr-fr` gives `fr`, `de-DE` gives
/// `de`; regional variants such as `fr-ca` or `en-us` keep their names.
pub fn single_element(folder: &str) -> Option<String> {
    let (language, region) = folder.split_once('-')?;
    let letters = |part: &str| part.len() == 2 && part.chars().all(|c| c.is_ascii_alphabetic());
    (letters(language) && language.eq_ignore_ascii_case(region))
        .then(|| language.to_ascii_lowercase())
}

fn rename_in_values(key: &mut Key, path: &str, changed: &mut Vec<String>) {
    let mut any = false;
    for value in key.values_mut() {
        any |= rewrite_strings(value, |text| {
            rewrite_element_after(text, WAVES_ELEMENT, single_element)
        });
    }
    if any {
        changed.push(path.to_string());
    }
    for child in key.subkeys_mut() {
        let child_path = join(path, child.name());
        rename_in_values(child, &child_path, changed);
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::Fixture;
    use super::*;

    #[test]
    fn base_language_folders_take_single_element_names() {
        let fx = Fixture::new();
        let mut packs = Incoming::new("Language Packs");
        let waves = "Resources/InteractionAttendantWaves";
        fx.file(&mut packs, &format!("{waves}/fr-fr/welcome.wav"), b"RIFF");
        fx.file(&mut packs, &format!("{waves}/en-us/welcome.wav"), b"RIFF");
        fx.file(&mut packs, &format!("{waves}/fr-ca/welcome.wav"), b"RIFF");
        fx.file(&mut packs, "Resources/Prompts/de-de/hello.wav", b"RIFF");
        let mut log = RuleLog::default();
        super::super::apply_all(&fx.migration(), std::slice::from_mut(&mut packs), &mut log)
            .unwrap();
        let destinations: Vec<String> = packs
            .files
            .iter()
            .map(|f| match &f.destination {
                Destination::Install(path) => path.clone(),
                other => format!("{other:?}"),
            })
            .collect();
        assert_eq!(
            destinations,
            [
                "Resources\\InteractionAttendantWaves\\fr\\welcome.wav",
                "Resources\\InteractionAttendantWaves\\en-us\\welcome.wav",
                "Resources\\InteractionAttendantWaves\\fr-ca\\welcome.wav",
                "Resources\\Prompts\\de-de\\hello.wav",
            ]
        );
        assert_eq!(
            log.rule_for("Resources\\InteractionAttendantWaves\\fr\\welcome.wav"),
            Some(NAME)
        );
    }

    #[test]
    fn same_convention_on_both_sides_renames_nothing() {
        let fx = Fixture::new();
        let mut ctx = fx.migration();
        ctx.source.version = "2020 R1".parse().unwrap();
        let mut packs = Incoming::new("Language Packs");
        fx.file(
            &mut packs,
            "Resources/InteractionAttendantWaves/fr-fr/a.wav",
            b"RIFF",
        );
        let mut log = RuleLog::default();
        apply(&ctx, &mut packs, &mut log).unwrap();
        assert_eq!(
            packs.files[0].destination,
            Destination::Install("Resources\\InteractionAttendantWaves\\fr-fr\\a.wav".into())
        );
    }
}
