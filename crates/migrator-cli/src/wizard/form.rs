//! The fields of the Configuration page: folders and files typed as text, the password typed
//! masked, check boxes and a choice of two modes. Keys edit the focused field; the page reads
//! the values back when the user goes on.

use crossterm::event::{KeyCode, KeyEvent};
use secrecy::SecretString;

/// What a field holds and how it is edited.
#[derive(Clone, Debug)]
pub enum Value {
    /// Text typed in full (a folder or a file).
    Text(String),
    /// Text shown as stars (a password).
    Secret(String),
    /// A check box.
    Check(bool),
    /// One of several choices, by index.
    Choice(usize, &'static [&'static str]),
}

/// One labelled field.
#[derive(Clone, Debug)]
pub struct Field {
    /// The question, as the page shows it.
    pub label: &'static str,
    /// The current value.
    pub value: Value,
    /// Shown only when the check box field of this label is checked.
    pub shown_if: Option<&'static str>,
}

/// The fields of a page and which one has the focus.
#[derive(Clone, Debug, Default)]
pub struct Form {
    /// The fields, top to bottom.
    pub fields: Vec<Field>,
    /// The focused field's index.
    pub focus: usize,
}

impl Form {
    /// Adds a field.
    pub fn field(mut self, label: &'static str, value: Value) -> Form {
        self.fields.push(Field {
            label,
            value,
            shown_if: None,
        });
        self
    }

    /// Adds a field shown only while the check box `depends` is checked.
    pub fn field_if(mut self, label: &'static str, value: Value, depends: &'static str) -> Form {
        self.fields.push(Field {
            label,
            value,
            shown_if: Some(depends),
        });
        self
    }

    /// Whether field `index` is shown now.
    pub fn visible(&self, index: usize) -> bool {
        match self.fields[index].shown_if {
            Some(depends) => self.check(depends),
            None => true,
        }
    }

    /// Applies a key; returns false when the key is not for the form.
    pub fn on_key(&mut self, key: KeyEvent) -> bool {
        match key.code {
            KeyCode::Tab | KeyCode::Down => self.move_focus(1),
            KeyCode::BackTab | KeyCode::Up => self.move_focus(-1),
            KeyCode::Left | KeyCode::Right => self.cycle_choice(),
            KeyCode::Backspace => self.edit(|text| {
                text.pop();
            }),
            KeyCode::Char(' ') if self.is_toggle() => self.toggle(),
            KeyCode::Char(c) => self.edit(|text| text.push(c)),
            _ => return false,
        }
        true
    }

    fn move_focus(&mut self, step: isize) {
        let count = self.fields.len();
        let mut focus = self.focus;
        for _ in 0..count {
            focus = (focus as isize + step).rem_euclid(count as isize) as usize;
            if self.visible(focus) {
                break;
            }
        }
        self.focus = focus;
    }

    fn is_toggle(&self) -> bool {
        matches!(
            self.fields[self.focus].value,
            Value::Check(_) | Value::Choice(..)
        )
    }

    fn toggle(&mut self) {
        match &mut self.fields[self.focus].value {
            Value::Check(on) => *on = !*on,
            Value::Choice(..) => self.cycle_choice(),
            _ => {}
        }
    }

    fn cycle_choice(&mut self) {
        if let Value::Choice(index, options) = &mut self.fields[self.focus].value {
            *index = (*index + 1) % options.len();
        }
    }

    fn edit(&mut self, change: impl FnOnce(&mut String)) {
        if let Value::Text(text) | Value::Secret(text) = &mut self.fields[self.focus].value {
            change(text);
        }
    }

    fn find(&self, label: &str) -> Option<&Value> {
        self.fields
            .iter()
            .find(|f| f.label == label)
            .map(|f| &f.value)
    }

    /// The text of field `label` (trimmed), empty when there is none.
    pub fn text(&self, label: &str) -> String {
        match self.find(label) {
            Some(Value::Text(text)) => text.trim().to_owned(),
            _ => String::new(),
        }
    }

    /// The secret typed in field `label`.
    pub fn secret(&self, label: &str) -> SecretString {
        match self.find(label) {
            Some(Value::Secret(text)) => SecretString::from(text.clone()),
            _ => SecretString::from(String::new()),
        }
    }

    /// Whether check box `label` is checked.
    pub fn check(&self, label: &str) -> bool {
        matches!(self.find(label), Some(Value::Check(true)))
    }

    /// The index chosen in field `label`.
    pub fn choice(&self, label: &str) -> usize {
        match self.find(label) {
            Some(Value::Choice(index, _)) => *index,
            _ => 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::KeyModifiers;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    fn form() -> Form {
        Form::default()
            .field("Folder", Value::Text("/a".into()))
            .field("Set a password", Value::Check(false))
            .field_if("Password", Value::Secret(String::new()), "Set a password")
            .field("Mode", Value::Choice(0, &["Migration", "Recovery"]))
    }

    #[test]
    fn typing_edits_the_focused_text_and_space_is_a_character_there() {
        let mut form = form();
        for c in " b".chars() {
            form.on_key(key(KeyCode::Char(c)));
        }
        form.on_key(key(KeyCode::Backspace));
        form.on_key(key(KeyCode::Char('c')));
        assert_eq!(form.fields[0].value_text(), "/a c");
    }

    #[test]
    fn hidden_fields_are_skipped_until_their_box_is_checked() {
        let mut form = form();
        form.on_key(key(KeyCode::Tab));
        form.on_key(key(KeyCode::Tab));
        assert_eq!(form.focus, 3, "the password field is hidden");
        form.on_key(key(KeyCode::Up));
        form.on_key(key(KeyCode::Char(' ')));
        assert!(form.check("Set a password"));
        form.on_key(key(KeyCode::Down));
        assert_eq!(form.focus, 2);
        form.on_key(key(KeyCode::Char('x')));
        assert!(matches!(&form.fields[2].value, Value::Secret(s) if s == "x"));
    }

    #[test]
    fn space_and_arrows_cycle_a_choice() {
        let mut form = form();
        form.focus = 3;
        form.on_key(key(KeyCode::Char(' ')));
        assert_eq!(form.choice("Mode"), 1);
        form.on_key(key(KeyCode::Right));
        assert_eq!(form.choice("Mode"), 0);
    }

    impl Field {
        fn value_text(&self) -> &str {
            match &self.value {
                Value::Text(text) => text,
                _ => "",
            }
        }
    }
}
