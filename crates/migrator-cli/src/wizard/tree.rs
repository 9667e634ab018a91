//! The Data Component Selection page's tree: "Select All" over the components of one server,
//! each with a check box. What the user checks is closed under the catalog's pull rules, so a
//! component another one needs is checked automatically and shows who needs it and why.

use migrator_core::catalog::{self, Reason, Scope, Selection};

/// One row under "Select All".
#[derive(Clone, Debug)]
pub struct Row {
    /// The catalog name of the component.
    pub catalog_name: &'static str,
    /// The name as displayed for this server.
    pub name: String,
    /// Checked by the user.
    pub chosen: bool,
    /// Checked because another checked component needs it: who, and why.
    pub pulled: Option<(String, &'static str)>,
}

impl Row {
    /// Whether the box shows a check, by the user's choice or automatically.
    pub fn checked(&self) -> bool {
        self.chosen || self.pulled.is_some()
    }
}

/// The component tree of one server.
#[derive(Clone, Debug)]
pub struct Tree {
    scope: Scope,
    /// The rows, in catalog order.
    pub rows: Vec<Row>,
    /// The focused line: 0 is "Select All", then the rows.
    pub cursor: usize,
    /// Why the last key did nothing, shown under the tree.
    pub notice: Option<String>,
}

impl Tree {
    /// The tree for `scope`, everything selected (the vendor's default).
    pub fn new(scope: Scope) -> Tree {
        let rows = scope
            .components()
            .into_iter()
            .map(|component| Row {
                catalog_name: component.name,
                name: scope.display(component),
                chosen: true,
                pulled: None,
            })
            .collect();
        let mut tree = Tree {
            scope,
            rows,
            cursor: 0,
            notice: None,
        };
        tree.close();
        tree
    }

    /// The tree of an archive's components (the Import Items page), everything selected.
    /// `names` are the names the archive's manifest records.
    pub fn for_archive(scope: Scope, names: &[String]) -> Tree {
        let mut tree = Tree::new(scope);
        tree.rows.retain(|row| {
            names
                .iter()
                .any(|name| name.eq_ignore_ascii_case(&row.name) || name == row.catalog_name)
        });
        tree.close();
        tree
    }

    /// Whether every component is checked.
    pub fn all_selected(&self) -> bool {
        self.rows.iter().all(Row::checked)
    }

    /// Moves the focus by `step` lines, staying inside the tree.
    pub fn move_cursor(&mut self, step: isize) {
        let last = self.rows.len();
        self.cursor = self.cursor.saturating_add_signed(step).min(last);
    }

    /// Toggles the focused line's box. A component another checked one needs stays checked,
    /// and the notice says which one to uncheck first.
    pub fn toggle(&mut self) {
        self.notice = None;
        if self.cursor == 0 {
            let select = !self.all_selected();
            self.rows.iter_mut().for_each(|row| row.chosen = select);
            self.close();
            return;
        }
        let index = self.cursor - 1;
        let row = &mut self.rows[index];
        row.chosen = !row.checked();
        self.close();
        let row = &self.rows[index];
        if let Some((by, _)) = &row.pulled {
            self.notice = Some(format!(
                "{} is needed by {by}: uncheck {by} first",
                row.name
            ));
        }
    }

    /// The `--nodes` value of the current choice: `all`, or chosen names joined by commas.
    pub fn nodes(&self) -> String {
        if self.rows.iter().all(|row| row.chosen) {
            return "all".to_owned();
        }
        let names: Vec<&str> = self
            .rows
            .iter()
            .filter(|row| row.chosen)
            .map(|row| row.catalog_name)
            .collect();
        names.join(",")
    }

    /// How many components are checked.
    pub fn checked_count(&self) -> usize {
        self.rows.iter().filter(|row| row.checked()).count()
    }

    /// Recomputes the automatic checks from the user's choice.
    fn close(&mut self) {
        let chosen = self
            .rows
            .iter()
            .filter(|row| row.chosen)
            .filter_map(|row| catalog::by_name(row.catalog_name))
            .collect();
        let selection: Selection = catalog::select::close(chosen, &self.scope);
        for row in &mut self.rows {
            row.pulled = selection
                .entries
                .iter()
                .find(|entry| entry.component.name == row.catalog_name)
                .and_then(|entry| match &entry.reason {
                    Reason::PulledIn { by, reason } if !row.chosen => Some((by.clone(), *reason)),
                    _ => None,
                });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use migrator_core::server::ServerKind;

    fn cic_tree() -> Tree {
        Tree::new(Scope {
            kind: Some(ServerKind::Cic),
            version: None,
            server: Some("calliope".into()),
        })
    }

    fn row<'a>(tree: &'a Tree, name: &str) -> (usize, &'a Row) {
        let index = tree
            .rows
            .iter()
            .position(|r| r.catalog_name == name)
            .unwrap_or_else(|| panic!("{name} is in the catalog"));
        (index + 1, &tree.rows[index])
    }

    #[test]
    fn everything_starts_selected() {
        let tree = cic_tree();
        assert!(tree.all_selected());
        assert_eq!(tree.nodes(), "all");
    }

    #[test]
    fn select_all_clears_and_sets_every_box() {
        let mut tree = cic_tree();
        tree.toggle();
        assert_eq!(tree.checked_count(), 0);
        tree.toggle();
        assert!(tree.all_selected());
    }

    #[test]
    fn a_needed_component_is_checked_with_the_reason_and_cannot_be_unchecked() {
        let mut tree = cic_tree();
        tree.toggle(); // clear all
        let (ip_phones, _) = row(&tree, "IP Phones");
        tree.cursor = ip_phones;
        tree.toggle();
        let (proxy, proxy_row) = row(&tree, "IP Phone Proxy Groups");
        let (by, reason) = proxy_row.pulled.clone().expect("pulled in");
        assert_eq!(by, "IP Phones");
        assert!(!reason.is_empty());
        assert_eq!(tree.nodes(), "IP Phones");

        tree.cursor = proxy;
        tree.toggle();
        assert!(row(&tree, "IP Phone Proxy Groups").1.checked());
        assert!(tree
            .notice
            .as_deref()
            .unwrap()
            .contains("uncheck IP Phones first"));
    }

    #[test]
    fn cursor_stays_inside_the_tree() {
        let mut tree = cic_tree();
        tree.move_cursor(-3);
        assert_eq!(tree.cursor, 0);
        tree.move_cursor(10_000);
        assert_eq!(tree.cursor, tree.rows.len());
    }
}
