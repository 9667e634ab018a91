//! The vendor console's command line, so that existing scheduled tasks and scripts keep
//! working: `migrator -export -exportNodes="users,workgroups" -exportFolder=DIR ...` and
//! `migrator -import -importfile=FILE -extractionFolder=DIR -importmode=0|1 ...`.
//!
//! `main` asks [`translate`] first. When the first argument is one of the console's switches
//! (single dash, any case), the whole command line is read as the console's and translated
//! into the arguments of the ordinary `export` or `import` subcommand, which then run as
//! usual. The console's habits are kept: switch names in any case, values quoted or not,
//! `noprompt` with or without its dash, a switch broken after its dash (`- customHandlerPath=`
//! as the vendor's own examples print it), node lists of `all` or names separated by commas
//! and spaces, and a wait for Enter before the work starts unless `-noprompt` is given.
//! One switch is added: `-server=DIR`, the server image to work on.

use std::ffi::OsString;
use std::io::BufRead;

use migrator_core::{Error, ErrorKind, Result};

/// The task the console command line asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Task {
    /// `-export`.
    Export,
    /// `-import`.
    Import,
}

impl Task {
    fn word(self) -> &'static str {
        match self {
            Task::Export => "export",
            Task::Import => "import",
        }
    }
}

/// A console command line, translated.
#[derive(Debug)]
pub struct Translation {
    /// Export or import.
    pub task: Task,
    /// The equivalent ordinary command line, program name first.
    pub args: Vec<OsString>,
    /// Whether `-noprompt` was given (no wait for Enter).
    pub noprompt: bool,
}

/// One switch of the console.
struct Switch {
    /// The name as the vendor documents it; matched in any case.
    name: &'static str,
    value: Takes,
    /// The task the switch belongs to; `None` for both.
    task: Option<Task>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Takes {
    Nothing,
    Value,
    /// `-password` alone means: ask for it.
    OptionalValue,
}

const fn switch(name: &'static str, value: Takes, task: Option<Task>) -> Switch {
    Switch { name, value, task }
}

const EXPORT: Option<Task> = Some(Task::Export);
const IMPORT: Option<Task> = Some(Task::Import);

/// Every switch the console knows.
const SWITCHES: &[Switch] = &[
    switch("export", Takes::Nothing, EXPORT),
    switch("exportNodes", Takes::Value, EXPORT),
    switch("customHandlerPath", Takes::Value, EXPORT),
    switch("exportFolder", Takes::Value, EXPORT),
    switch("import", Takes::Nothing, IMPORT),
    switch("importfile", Takes::Value, IMPORT),
    switch("importNodes", Takes::Value, IMPORT),
    switch("extractionFolder", Takes::Value, IMPORT),
    switch("importmode", Takes::Value, IMPORT),
    switch("devMode", Takes::Nothing, IMPORT),
    switch("password", Takes::OptionalValue, None),
    switch("noprompt", Takes::Nothing, None),
    switch("server", Takes::Value, None),
];

fn lookup(name: &str) -> Option<&'static Switch> {
    SWITCHES.iter().find(|s| s.name.eq_ignore_ascii_case(name))
}

/// Whether `args` (program name first) is a console command line.
pub fn is_console_form(args: &[OsString]) -> bool {
    // Ordinary options such as `--log-dir DIR` or `-v` may come before the first switch.
    let mut words = args.iter().skip(1).map(|a| a.to_str());
    let first = loop {
        match words.next().flatten() {
            Some(word) if is_passthrough(word) => {
                if passthrough_takes_value(word) {
                    words.next();
                }
            }
            Some(word) => break word,
            None => return false,
        }
    };
    match first.strip_prefix('-') {
        Some(body) if !body.starts_with('-') => {
            lookup(body.split('=').next().unwrap_or_default()).is_some()
        }
        _ => false,
    }
}

/// The ordinary command line for a console one, or `None` when `args` is not in console form.
///
/// # Errors
///
/// A usage error naming the switch that is unknown, repeated, misplaced or missing.
pub fn translate(args: &[OsString]) -> Result<Option<Translation>> {
    if !is_console_form(args) {
        return Ok(None);
    }
    let words = args[1..]
        .iter()
        .map(|a| {
            a.to_str().map(str::to_owned).ok_or_else(|| {
                usage(format!(
                    "the argument {} is not valid Unicode",
                    a.to_string_lossy()
                ))
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let parsed = Parsed::from_words(&words)?;
    let task = parsed.task()?;
    parsed.check_task(task)?;
    let mut out = vec![args[0].clone(), task.word().into()];
    match task {
        Task::Export => parsed.export_args(&mut out)?,
        Task::Import => parsed.import_args(&mut out)?,
    }
    parsed.password_args(&mut out);
    out.extend(parsed.passthrough.iter().map(OsString::from));
    Ok(Some(Translation {
        task,
        args: out,
        noprompt: parsed.has("noprompt"),
    }))
}

/// Waits for Enter before the work starts, as the vendor console does without `-noprompt`.
///
/// # Errors
///
/// A usage error when the input ends (a scheduled task has no one to press a key).
pub fn wait_for_key(translation: &Translation) -> Result<()> {
    if translation.noprompt {
        return Ok(());
    }
    eprintln!(
        "Press Enter to start the {}, or Ctrl-C to cancel (-noprompt skips this).",
        translation.task.word()
    );
    let mut line = Vec::new();
    let read = std::io::stdin().lock().read_until(b'\n', &mut line);
    match read {
        Ok(0) | Err(_) => Err(usage(format!(
            "the console waits for Enter before the {} starts, but its input has ended",
            translation.task.word()
        ))
        .with_hint("Add -noprompt to run without waiting, as scheduled tasks and scripts do.")),
        Ok(_) => Ok(()),
    }
}

/// The switches of a console command line, by their documented names.
struct Parsed {
    given: Vec<(&'static str, Option<String>)>,
    /// Ordinary options (`--log-dir=DIR`, `-v`, `-q`) passed on unchanged.
    passthrough: Vec<String>,
}

impl Parsed {
    fn from_words(words: &[String]) -> Result<Parsed> {
        let mut parsed = Parsed {
            given: Vec::new(),
            passthrough: Vec::new(),
        };
        let mut rest = words.iter().map(String::as_str).peekable();
        while let Some(word) = rest.next() {
            if is_passthrough(word) {
                parsed.passthrough.push(word.to_owned());
                if passthrough_takes_value(word) {
                    parsed.passthrough.extend(rest.next().map(str::to_owned));
                }
                continue;
            }
            let joined;
            let word = if word == "-" {
                // The vendor's examples wrap a switch after its dash; a shell passes two words.
                match rest.next_if(|next| !next.starts_with('-')) {
                    Some(next) => {
                        joined = format!("-{next}");
                        joined.as_str()
                    }
                    None => return Err(usage("a lone '-' is not a console switch".to_owned())),
                }
            } else {
                word
            };
            // The vendor's examples write some switches without their dash (`noprompt`).
            let body = match word.strip_prefix('-') {
                Some(body) => body,
                None if lookup(word.split('=').next().unwrap_or_default()).is_some() => word,
                None => return Err(stray(&parsed)),
            };
            let (name, inline) = match body.split_once('=') {
                Some((name, value)) => (name, Some(value)),
                None => (body, None),
            };
            // `-password:VALUE` is a common slip for `-password=VALUE`: never show the value.
            if let (None, Some((before, _))) = (inline, name.split_once(':')) {
                return Err(usage(format!(
                    "-{before}: a switch's value follows = (the value after : is not shown)"
                ))
                .with_hint(format!("Write -{before}=VALUE.")));
            }
            let switch = lookup(name).ok_or_else(|| unknown(name, inline.is_some()))?;
            let value = match (switch.value, inline) {
                (Takes::Nothing, Some(_)) => {
                    return Err(usage(format!("-{} takes no value", switch.name)))
                }
                (Takes::Nothing, None) => None,
                (_, Some(value)) => Some(unquote(value).to_owned()),
                (_, None) => rest
                    .next_if(|next| is_separate_value(next))
                    .map(|v| unquote(v).to_owned()),
            };
            parsed.add(switch, value)?;
        }
        Ok(parsed)
    }

    fn add(&mut self, switch: &'static Switch, value: Option<String>) -> Result<()> {
        if self.has(switch.name) {
            return Err(usage(format!("-{} is given twice", switch.name))
                .with_hint(format!("Give -{} once.", switch.name)));
        }
        if switch.value == Takes::Value && value.as_deref().is_none_or(str::is_empty) {
            return Err(usage(format!("-{} needs a value", switch.name))
                .with_hint(format!("Write it as -{}=\"...\".", switch.name)));
        }
        self.given.push((switch.name, value));
        Ok(())
    }

    fn has(&self, name: &str) -> bool {
        self.given.iter().any(|(n, _)| *n == name)
    }

    fn value(&self, name: &str) -> Option<&str> {
        self.given
            .iter()
            .find(|(n, _)| *n == name)
            .and_then(|(_, v)| v.as_deref())
    }

    fn required(&self, name: &str, what: &str) -> Result<&str> {
        self.value(name).ok_or_else(|| {
            usage(format!("the console {} needs -{name}", self.task_word()))
                .with_hint(format!("Add -{name}=\"...\": {what}."))
        })
    }

    fn task_word(&self) -> &'static str {
        if self.has("import") {
            "import"
        } else {
            "export"
        }
    }

    fn task(&self) -> Result<Task> {
        match (self.has("export"), self.has("import")) {
            (true, false) => Ok(Task::Export),
            (false, true) => Ok(Task::Import),
            (true, true) => Err(usage("-export and -import cannot be given together".into())
                .with_hint("Run the export and the import as two commands.")),
            (false, false) => Err(usage("the console needs -export or -import".into())
                .with_hint("Start the command line with -export or -import.")),
        }
    }

    /// Refuses switches of the other task, which the user would expect to have an effect.
    fn check_task(&self, task: Task) -> Result<()> {
        for (name, _) in &self.given {
            let switch = lookup(name).expect("names come from the table");
            if switch.task.is_some_and(|t| t != task) {
                return Err(usage(format!(
                    "-{name} belongs to -{}, not to -{}",
                    switch.task.map_or("", |t| t.word()),
                    task.word()
                )));
            }
        }
        Ok(())
    }

    fn export_args(&self, out: &mut Vec<OsString>) -> Result<()> {
        let server = self.server()?;
        let folder = self.required("exportFolder", "the folder the export file is written to")?;
        push(out, &["--server", server, "--out", folder]);
        if let Some(nodes) = self.value("exportNodes") {
            push(out, &["--nodes", &node_list(nodes)?]);
        }
        if let Some(handlers) = self.value("customHandlerPath") {
            push(out, &["--custom-handlers", handlers]);
        }
        Ok(())
    }

    fn import_args(&self, out: &mut Vec<OsString>) -> Result<()> {
        let server = self.server()?;
        let file = self.required("importfile", "the .ininmigr file to import")?;
        let folder = self.required("extractionFolder", "the folder to extract the files to")?;
        let mode = match self.value("importmode").unwrap_or("0") {
            "0" => "migration",
            "1" => "recovery",
            other => {
                return Err(usage(format!("-importmode is {other}, not 0 or 1"))
                    .with_hint("Use -importmode=0 for Migration mode or 1 for Recovery mode."))
            }
        };
        push(out, &[file, "--server", server, "--extract-to", folder]);
        push(out, &["--mode", mode]);
        if let Some(nodes) = self.value("importNodes") {
            push(out, &["--nodes", &node_list(nodes)?]);
        }
        if self.has("devMode") {
            push(out, &["--dev-mode"]);
        }
        Ok(())
    }

    fn password_args(&self, out: &mut Vec<OsString>) {
        if !self.has("password") {
            return;
        }
        match self.value("password") {
            Some(password) if !password.is_empty() => push(out, &["--password", password]),
            _ => push(out, &["--password-prompt"]),
        }
    }

    fn server(&self) -> Result<&str> {
        self.value("server").ok_or_else(|| {
            usage(format!(
                "the console {} needs -server: the server image folder to work on",
                self.task_word()
            ))
            .with_hint("Add -server=\"DIR\", the folder holding registry.reg and I3/IC.")
        })
    }
}

fn push(out: &mut Vec<OsString>, words: &[&str]) {
    out.extend(words.iter().map(OsString::from));
}

/// Ordinary options accepted among console switches.
fn is_passthrough(word: &str) -> bool {
    word.starts_with("--") || matches!(word, "-v" | "-vv" | "-vvv" | "-q")
}

/// Whether an ordinary option given without `=` takes the next word as its value.
fn passthrough_takes_value(word: &str) -> bool {
    word == "--log-dir"
}

/// Whether a word after a switch without `=` is its value rather than the next switch.
fn is_separate_value(word: &str) -> bool {
    !word.starts_with('-') && lookup(word.split('=').next().unwrap_or_default()).is_none()
}

/// `"all"`, `'all'` and `all` are the same value; so are `"a, b"` and `a,b`.
fn unquote(value: &str) -> &str {
    for quote in ['"', '\''] {
        if let Some(inner) = value
            .strip_prefix(quote)
            .and_then(|rest| rest.strip_suffix(quote))
        {
            return inner;
        }
    }
    value
}

/// A node list as the ordinary commands take it: `all`, or names joined by commas.
fn node_list(value: &str) -> Result<String> {
    let value = unquote(value.trim());
    if value.trim().eq_ignore_ascii_case("all") {
        return Ok("all".to_owned());
    }
    let names: Vec<&str> = value
        .split(',')
        .map(|name| unquote(name.trim()).trim())
        .filter(|name| !name.is_empty())
        .collect();
    if names.is_empty() {
        return Err(usage("the node list is empty".into()).with_hint(
            "Give \"all\" or names separated by commas, such as \"Users, Workgroups\".",
        ));
    }
    Ok(names.join(","))
}

/// The switch is named without its value: a misspelt `-password=` carries a secret.
fn unknown(name: &str, with_value: bool) -> Error {
    let names: Vec<String> = SWITCHES.iter().map(|s| format!("-{}", s.name)).collect();
    let value = match with_value {
        true => " (its value is not shown)",
        false => "",
    };
    usage(format!("unknown console switch -{name}{value}"))
        .with_hint(format!("The console knows {}.", names.join(", ")))
}

/// A word that is no switch and no switch's value. It is not shown: it may be a password
/// separated from its `=` by a space.
fn stray(parsed: &Parsed) -> Error {
    let after = match parsed.given.last() {
        Some((name, Some(value))) if value.is_empty() => format!(" after -{name}="),
        Some((name, _)) => format!(" after -{name}"),
        None => String::new(),
    };
    usage(format!(
        "a word{after} is neither a console switch nor a switch's value (it is not shown, as it \
         may be a password)"
    ))
    .with_hint(
        "Every switch starts with -, and its value follows = with no space: -password=VALUE.",
    )
}

fn usage(message: String) -> Error {
    Error::new(ErrorKind::Usage, message)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn translate_words(words: &[&str]) -> Result<Option<Translation>> {
        let mut args: Vec<OsString> = vec!["migrator".into()];
        args.extend(words.iter().map(OsString::from));
        translate(&args)
    }

    fn args_of(words: &[&str]) -> Vec<String> {
        let translation = translate_words(words).unwrap().expect("console form");
        translation.args[1..]
            .iter()
            .map(|a| a.to_string_lossy().into_owned())
            .collect()
    }

    #[test]
    fn ordinary_command_lines_are_left_alone() {
        assert!(translate_words(&["export", "--server", "x"])
            .unwrap()
            .is_none());
        assert!(translate_words(&["-v", "nodes"]).unwrap().is_none());
        assert!(translate_words(&["--help"]).unwrap().is_none());
        assert!(translate_words(&[]).unwrap().is_none());
    }

    #[test]
    fn vendor_export_example_with_its_line_break() {
        // As a shell passes the vendor's first example joined onto one line.
        let args = args_of(&[
            "-export",
            "-exportfolder=d:\\temp",
            "-exportNodes=all",
            "-",
            "customHandlerPath=d:\\customHandlers",
            "-password=foo",
            "noprompt",
            "-server=/srv/img",
        ]);
        assert_eq!(
            args,
            [
                "export",
                "--server",
                "/srv/img",
                "--out",
                "d:\\temp",
                "--nodes",
                "all",
                "--custom-handlers",
                "d:\\customHandlers",
                "--password",
                "foo"
            ]
        );
    }

    #[test]
    fn switch_names_ignore_case_and_values_lose_their_quotes() {
        let args = args_of(&[
            "-EXPORT",
            "-ExportFolder=\"/out dir\"",
            "-exportnodes='IP Phones, Lines ,Users'",
            "-SERVER",
            "/img",
            "-NoPrompt",
        ]);
        assert_eq!(
            args,
            [
                "export",
                "--server",
                "/img",
                "--out",
                "/out dir",
                "--nodes",
                "IP Phones,Lines,Users"
            ]
        );
    }

    #[test]
    fn import_translates_mode_nodes_and_dev_mode() {
        let translation = translate_words(&[
            "-import",
            "-importfile=/x/foo_030320071919.ininmigr",
            "-importNodes=all",
            "-extractionFolder=/x/MyImportFolder",
            "-password=1234",
            "-importmode=1",
            "-devMode",
            "-server=/img",
        ])
        .unwrap()
        .unwrap();
        assert_eq!(translation.task, Task::Import);
        assert!(!translation.noprompt);
        let args: Vec<_> = translation.args[1..]
            .iter()
            .map(|a| a.to_str().unwrap())
            .collect();
        assert_eq!(
            args,
            [
                "import",
                "/x/foo_030320071919.ininmigr",
                "--server",
                "/img",
                "--extract-to",
                "/x/MyImportFolder",
                "--mode",
                "recovery",
                "--nodes",
                "all",
                "--dev-mode",
                "--password",
                "1234"
            ]
        );
    }

    #[test]
    fn import_mode_defaults_to_migration() {
        let args = args_of(&[
            "-import",
            "-importfile=f",
            "-extractionFolder=e",
            "-server=s",
        ]);
        assert!(
            args.windows(2).any(|w| w == ["--mode", "migration"]),
            "{args:?}"
        );
    }

    #[test]
    fn a_bare_password_switch_asks_for_it() {
        let args = args_of(&["-export", "-exportFolder=o", "-server=s", "-password"]);
        assert_eq!(args.last().unwrap(), "--password-prompt");
    }

    #[test]
    fn ordinary_options_pass_through() {
        let args = args_of(&[
            "-export",
            "-exportFolder=o",
            "-server=s",
            "--log-dir=/l",
            "-q",
        ]);
        assert_eq!(&args[args.len() - 2..], ["--log-dir=/l", "-q"]);
    }

    #[test]
    fn mistakes_are_usage_errors_that_name_the_switch() {
        let cases: &[(&[&str], &str)] = &[
            (
                &["-export", "-exportFolder=o", "-server=s", "-bogus=1"],
                "-bogus",
            ),
            (&["-export", "-import", "-server=s"], "-import"),
            (&["-export", "-exportFolder=o"], "-server"),
            (&["-export", "-server=s"], "-exportFolder"),
            (
                &[
                    "-import",
                    "-importfile=f",
                    "-extractionFolder=e",
                    "-server=s",
                    "-importmode=2",
                ],
                "-importmode",
            ),
            (
                &["-export", "-exportFolder=o", "-server=s", "-importmode=1"],
                "-importmode",
            ),
            (
                &["-export", "-exportFolder=o", "-exportFolder=p", "-server=s"],
                "-exportFolder",
            ),
            (
                &["-export", "-exportFolder=o", "-server=s", "-noprompt=yes"],
                "-noprompt",
            ),
            (
                &[
                    "-export",
                    "-exportFolder=o",
                    "-server=s",
                    "-exportNodes= , ",
                ],
                "node list",
            ),
            (&["-export", "-exportFolder=o", "-server=s", "-"], "'-'"),
            (&["-exportFolder=o", "-server=s"], "-export or -import"),
        ];
        for (words, named) in cases {
            let error = translate_words(words).unwrap_err();
            assert_eq!(error.kind(), ErrorKind::Usage, "{words:?}");
            assert!(
                error.message().contains(named),
                "{words:?}: {}",
                error.message()
            );
        }
    }
}
