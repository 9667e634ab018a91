//! Rule `reports-production-or-custom`: in both modes, a report whose `.rpt` file already
//! exists in the target's report folder is a production report and its file is not imported;
//! any other report is custom and its file is copied into that folder. The folder is the
//! target's `Report File Path` server parameter, or the default reports folder when the
//! target has none.

use super::support::{below, file_name, first_string, landing_path};
use super::{components, Components, Rule, RuleContext, BOTH, CIC};
use crate::checklist::{self, Step};
use crate::error::Result;
use crate::incoming::{Destination, Incoming, RuleLog};
use crate::layout;

use super::context::same;

/// The rule's name.
pub const NAME: &str = "reports-production-or-custom";

/// The rule's entry in the table.
pub const RULE: Rule = Rule {
    name: NAME,
    description: "copies custom .rpt files into the target's Report File Path and leaves \
                  production reports (already there) as they are",
    components: Components::Named(&[components::REPORTS]),
    kinds: CIC,
    modes: BOTH,
    apply,
};

/// Where report files go on the target.
#[derive(Debug, PartialEq, Eq)]
enum ReportFolder {
    /// Inside the install tree, at this install-relative path.
    Install(String),
    /// Elsewhere on the machine: the absolute Windows path.
    Outside(String),
}

fn apply(ctx: &RuleContext, incoming: &mut Incoming, log: &mut RuleLog) -> Result<()> {
    let folder = report_folder(ctx);
    let mut outside = Vec::new();
    for file in &mut incoming.files {
        let path = landing_path(file);
        if !path.to_ascii_lowercase().ends_with(".rpt") {
            continue;
        }
        let rest = below(&path, layout::REPORTS_DIR).unwrap_or_else(|| file_name(&path));
        let (destination, detail) = match &folder {
            ReportFolder::Install(dir) => {
                let to = format!("{dir}\\{rest}");
                if ctx
                    .target_install_dir
                    .join(layout::file_path(&to))
                    .is_file()
                {
                    (
                        Destination::Skip,
                        "production report: the target's file is kept".into(),
                    )
                } else {
                    let detail = format!("custom report: copied to {to}");
                    (Destination::Install(to), detail)
                }
            }
            ReportFolder::Outside(dir) => {
                outside.push(format!("{rest} → {dir}"));
                let detail = format!("custom report: {dir} is outside the install tree");
                (Destination::ExtractOnly, detail)
            }
        };
        file.destination = destination;
        log.change(&incoming.component, &path, NAME, detail);
    }
    if !outside.is_empty() {
        checklist::note(log, Step::CopyReports, outside);
    }
    Ok(())
}

/// The target's report folder, from its `Report File Path` server parameter.
fn report_folder(ctx: &RuleContext) -> ReportFolder {
    let configured = ctx
        .target_key(layout::SERVER_PARAMETERS)
        .and_then(|parameters| parameters.subkey(layout::REPORT_PATH_PARAMETER))
        .and_then(|parameter| first_string(parameter, layout::PARAMETER_VALUE))
        .filter(|path| !path.trim().is_empty());
    let Some(path) = configured else {
        return ReportFolder::Install(layout::REPORTS_DIR.to_string());
    };
    let path = path.trim().replace('/', "\\");
    let path = path.trim_end_matches('\\');
    let root = ctx.target.install_path.trim_end_matches('\\');
    match path.get(..root.len()) {
        Some(head) if same(head, root) && path[root.len()..].starts_with('\\') => {
            ReportFolder::Install(path[root.len() + 1..].to_string())
        }
        _ => ReportFolder::Outside(path.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::{self, Fixture};
    use super::*;
    use crate::registry::{join, Value};

    fn reports(fx: &Fixture) -> Incoming {
        let mut incoming = fixtures::incoming("Reports", &fx.source_tree, &[layout::REPORTS]);
        fx.file(&mut incoming, "Server/Reports/AgentPerformance.rpt", b"rpt");
        fx.file(
            &mut incoming,
            "Server/Reports/Custom/SalesWeekly.rpt",
            b"rpt",
        );
        incoming
    }

    #[test]
    fn production_reports_stay_and_custom_ones_are_copied_in_both_modes() {
        let fx = Fixture::new();
        fx.target_file("Server/Reports/AgentPerformance.rpt", b"shipped");
        for ctx in [fx.migration(), fx.recovery()] {
            let mut incoming = reports(&fx);
            let mut log = RuleLog::default();
            super::super::apply_all(&ctx, std::slice::from_mut(&mut incoming), &mut log).unwrap();
            let destinations: Vec<&Destination> =
                incoming.files.iter().map(|f| &f.destination).collect();
            assert_eq!(
                destinations,
                [
                    &Destination::Skip,
                    &Destination::Install("Server\\Reports\\Custom\\SalesWeekly.rpt".into())
                ]
            );
            assert_eq!(log.changes_by(NAME).count(), 2);
        }
    }

    #[test]
    fn the_report_folder_comes_from_the_target_parameter() {
        let mut fx = Fixture::new();
        let parameter = join(
            &fixtures::path("Chicago", "helios", layout::SERVER_PARAMETERS),
            layout::REPORT_PATH_PARAMETER,
        );
        fx.target_tree
            .ensure(&parameter)
            .set_value(Value::sz("Value", "c:\\i3\\ic\\CustomReports\\"));
        let mut incoming = reports(&fx);
        let mut log = RuleLog::default();
        super::super::apply_all(
            &fx.migration(),
            std::slice::from_mut(&mut incoming),
            &mut log,
        )
        .unwrap();
        assert_eq!(
            incoming.files[0].destination,
            Destination::Install("CustomReports\\AgentPerformance.rpt".into())
        );

        fx.target_tree
            .ensure(&parameter)
            .set_value(Value::sz("Value", "E:\\Reports"));
        let mut incoming = reports(&fx);
        let mut log = RuleLog::default();
        super::super::apply_all(
            &fx.migration(),
            std::slice::from_mut(&mut incoming),
            &mut log,
        )
        .unwrap();
        assert!(incoming
            .files
            .iter()
            .all(|f| f.destination == Destination::ExtractOnly));
        let step = log
            .checklist
            .iter()
            .find(|s| s.id == "copy-reports")
            .unwrap();
        assert_eq!(
            step.items,
            [
                "AgentPerformance.rpt → E:\\Reports",
                "Custom\\SalesWeekly.rpt → E:\\Reports"
            ]
        );
    }
}
