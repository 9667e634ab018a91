//! The wizard's state and what each key does on each page. Drawing is in `view`; running the
//! job is in `work`. The pages follow the vendor tool: Welcome, Task Selection, Data
//! Component Selection (Import Items for an import, after Configuration, because the items
//! come from the archive), Configuration, Confirmation, Status and Finish.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use migrator_core::archive::Archive;
use migrator_core::catalog::Scope;
use migrator_core::export::ExportRequest;
use migrator_core::import::{self, Mode, Nodes};
use migrator_core::server::Identity;
use migrator_core::{Error, ErrorKind};
use secrecy::{ExposeSecret, SecretString};

use super::form::{Form, Value};
use super::tree::Tree;
use super::work::{self, Event, Finished, Job, Running};
use crate::{exit, password};

/// The wizard's pages, in the order an export visits them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Page {
    /// The version and what the wizard does.
    Welcome,
    /// Export or import.
    Task,
    /// The component tree.
    Components,
    /// Folders, password, mode, restore point.
    Configuration,
    /// Everything chosen, before anything runs.
    Confirmation,
    /// Live progress, with Stop.
    Status,
    /// The result.
    Finish,
}

/// Export or import.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Task {
    /// Export configuration data.
    Export,
    /// Import configuration data.
    Import,
}

/// Labels of the Configuration fields, shared by the page and the code reading them.
pub mod labels {
    /// Export: where the archive goes.
    pub const OUT: &str = "Save the export in folder";
    /// Export: the custom handler folder.
    pub const HANDLERS: &str = "Custom handlers folder";
    /// Both: whether a password is used.
    pub const USE_PASSWORD: &str = "Set password for the file";
    /// Both: the password.
    pub const PASSWORD: &str = "Password";
    /// Export: the password again.
    pub const REPEAT: &str = "Repeat the password";
    /// Import: the archive.
    pub const ARCHIVE: &str = "Configuration data file to import";
    /// Import: the extraction folder.
    pub const EXTRACT: &str = "Extract the files to folder";
    /// Import: whether to take a restore point.
    pub const RESTORE_POINT: &str = "Create registry and file restore point";
    /// Import: Migration or Recovery.
    pub const MODE: &str = "Mode";
}

/// Progress of the running phase, as the Status page shows it.
#[derive(Clone, Debug, Default)]
pub struct Meter {
    /// The phase's name.
    pub phase: String,
    /// Items to do and done.
    pub items: (u64, u64),
    /// Bytes to do and done.
    pub bytes: (u64, u64),
    /// Phases and warnings so far, oldest first.
    pub lines: Vec<String>,
}

impl Meter {
    /// How much of the phase is done, from 0 to 1.
    pub fn ratio(&self) -> f64 {
        let (total, done) = if self.bytes.0 > 0 {
            self.bytes
        } else {
            self.items
        };
        if total == 0 {
            0.0
        } else {
            (done as f64 / total as f64).min(1.0)
        }
    }
}

/// How the job ended, for the Status and Finish pages.
pub enum Ending {
    /// It finished, after this long.
    Done(Finished, Duration),
    /// The user stopped it; nothing was kept.
    Stopped,
    /// It failed with this error.
    Failed(Error),
}

/// The whole state of the wizard.
pub struct App {
    /// The page shown.
    pub page: Page,
    /// The task chosen.
    pub task: Task,
    /// The server image the wizard works on.
    pub server: PathBuf,
    /// Who the server is.
    pub identity: Identity,
    /// The component tree of the page.
    pub tree: Tree,
    /// The export's Configuration fields.
    pub export_form: Form,
    /// The import's Configuration fields.
    pub import_form: Form,
    /// A notice or error for the footer.
    pub message: Option<String>,
    /// The Status page's meter.
    pub meter: Meter,
    /// The job, while it runs.
    pub running: Option<Running>,
    /// How the job ended.
    pub ending: Option<Ending>,
    /// Set when the wizard should close.
    pub quit: bool,
}

impl App {
    /// The wizard for the server image in `server`.
    pub fn new(server: PathBuf, identity: Identity) -> App {
        let handlers = server.join("I3").join("IC").join("Handlers").join("Custom");
        let out = std::env::current_dir().unwrap_or_default().join("exports");
        App {
            page: Page::Welcome,
            task: Task::Export,
            tree: Tree::new(Scope::of(&identity)),
            export_form: export_form(&out, &handlers),
            import_form: import_form(),
            server,
            identity,
            message: None,
            meter: Meter::default(),
            running: None,
            ending: None,
            quit: false,
        }
    }

    /// The exit code of the wizard: that of the job's outcome, 0 when none ran.
    pub fn exit_code(&self) -> u8 {
        match &self.ending {
            Some(Ending::Done(Finished::Imported { code, .. }, _)) => *code,
            Some(Ending::Failed(error)) => exit::code_of(error.kind()),
            _ => exit::SUCCESS,
        }
    }

    /// Applies a key.
    pub fn on_key(&mut self, key: KeyEvent) {
        if key.modifiers.contains(KeyModifiers::CONTROL) && key.code == KeyCode::Char('c') {
            match &self.running {
                Some(running) => running.stop(),
                None => self.quit = true,
            }
            return;
        }
        self.message = None;
        match self.page {
            Page::Welcome => self.on_welcome(key),
            Page::Task => self.on_task(key),
            Page::Components => self.on_components(key),
            Page::Configuration => self.on_configuration(key),
            Page::Confirmation => self.on_confirmation(key),
            Page::Status => self.on_status(key),
            Page::Finish => self.on_finish(key),
        }
    }

    fn on_welcome(&mut self, key: KeyEvent) {
        match key.code {
            KeyCode::Enter => self.page = Page::Task,
            KeyCode::Esc | KeyCode::Char('q') => self.quit = true,
            _ => {}
        }
    }

    fn on_task(&mut self, key: KeyEvent) {
        match key.code {
            KeyCode::Up | KeyCode::Down | KeyCode::Char(' ') => {
                self.task = match self.task {
                    Task::Export => Task::Import,
                    Task::Import => Task::Export,
                }
            }
            KeyCode::Enter => self.page = self.after(Page::Task),
            KeyCode::Esc => self.page = Page::Welcome,
            _ => {}
        }
    }

    fn on_components(&mut self, key: KeyEvent) {
        match key.code {
            KeyCode::Up => self.tree.move_cursor(-1),
            KeyCode::Down => self.tree.move_cursor(1),
            KeyCode::PageUp => self.tree.move_cursor(-10),
            KeyCode::PageDown => self.tree.move_cursor(10),
            KeyCode::Char(' ') => self.tree.toggle(),
            KeyCode::Char('a') => {
                self.tree.cursor = 0;
                self.tree.toggle();
            }
            KeyCode::Enter if self.tree.checked_count() == 0 => {
                self.message = Some("select at least one component".into());
            }
            KeyCode::Enter => self.page = self.after(Page::Components),
            KeyCode::Esc => self.page = self.before(Page::Components),
            _ => {}
        }
    }

    fn on_configuration(&mut self, key: KeyEvent) {
        match key.code {
            KeyCode::Enter => match self.check_configuration() {
                Ok(()) => self.page = self.after(Page::Configuration),
                Err(error) => self.message = Some(error_line(&error)),
            },
            KeyCode::Esc => self.page = self.before(Page::Configuration),
            _ => {
                let form = match self.task {
                    Task::Export => &mut self.export_form,
                    Task::Import => &mut self.import_form,
                };
                form.on_key(key);
            }
        }
    }

    fn on_confirmation(&mut self, key: KeyEvent) {
        match key.code {
            KeyCode::Enter => self.start(),
            KeyCode::Esc => self.page = self.before(Page::Confirmation),
            _ => {}
        }
    }

    fn on_status(&mut self, key: KeyEvent) {
        match (&self.running, &self.ending, key.code) {
            (Some(running), _, KeyCode::Char('s') | KeyCode::Esc) => running.stop(),
            (None, Some(Ending::Done(..)), KeyCode::Enter) => self.page = Page::Finish,
            (None, Some(_), KeyCode::Esc) => {
                self.ending = None;
                self.page = Page::Confirmation;
            }
            _ => {}
        }
    }

    fn on_finish(&mut self, key: KeyEvent) {
        if matches!(key.code, KeyCode::Enter | KeyCode::Esc | KeyCode::Char('q')) {
            self.quit = true;
        }
    }

    /// The page after `page` for the chosen task.
    fn after(&self, page: Page) -> Page {
        match (self.task, page) {
            (Task::Export, Page::Task) => Page::Components,
            (Task::Export, Page::Components) => Page::Configuration,
            (Task::Export, Page::Configuration) => Page::Confirmation,
            (Task::Import, Page::Task) => Page::Configuration,
            (Task::Import, Page::Configuration) => Page::Components,
            (Task::Import, Page::Components) => Page::Confirmation,
            (_, page) => page,
        }
    }

    /// The page before `page` for the chosen task.
    fn before(&self, page: Page) -> Page {
        match (self.task, page) {
            (Task::Export, Page::Components) => Page::Task,
            (Task::Export, Page::Configuration) => Page::Components,
            (Task::Export, Page::Confirmation) => Page::Configuration,
            (Task::Import, Page::Configuration) => Page::Task,
            (Task::Import, Page::Components) => Page::Configuration,
            (Task::Import, Page::Confirmation) => Page::Components,
            (_, page) => page,
        }
    }

    /// Checks the Configuration page; for an import also opens the archive for its items.
    fn check_configuration(&mut self) -> Result<(), Error> {
        match self.task {
            Task::Export => {
                non_empty(&self.export_form.text(labels::OUT), labels::OUT)?;
                self.export_password().map(|_| ())
            }
            Task::Import => self.load_archive_items(),
        }
    }

    fn export_password(&self) -> Result<Option<SecretString>, Error> {
        let form = &self.export_form;
        if !form.check(labels::USE_PASSWORD) {
            return Ok(None);
        }
        let first = form.secret(labels::PASSWORD);
        if first.expose_secret().is_empty() {
            return Err(usage("type the password, or clear its check box"));
        }
        if first.expose_secret() != form.secret(labels::REPEAT).expose_secret() {
            return Err(usage("the two passwords typed differ"));
        }
        password::check_exportable(&first)?;
        crate::logging::register_secret(&first);
        Ok(Some(first))
    }

    fn import_password(&self) -> Option<SecretString> {
        let form = &self.import_form;
        form.check(labels::USE_PASSWORD).then(|| {
            let secret = form.secret(labels::PASSWORD);
            crate::logging::register_secret(&secret);
            secret
        })
    }

    fn load_archive_items(&mut self) -> Result<(), Error> {
        let form = &self.import_form;
        let file = non_empty(&form.text(labels::ARCHIVE), labels::ARCHIVE)?;
        non_empty(&form.text(labels::EXTRACT), labels::EXTRACT)?;
        let archive =
            Archive::open(Path::new(&file), self.import_password().as_ref()).map_err(|error| {
                match error.kind() {
                    // The library's hint names the command line's options; here there is a box.
                    ErrorKind::WrongPassword => error.with_hint(format!(
                        "Tick \"{}\" and type the password used for the export in the {} box.",
                        labels::USE_PASSWORD,
                        labels::PASSWORD
                    )),
                    _ => error,
                }
            })?;
        let names: Vec<String> = archive
            .manifest()
            .components
            .iter()
            .map(|c| c.name.clone())
            .collect();
        // The archive's own server names its server components (`calliope\IP`).
        let manifest = archive.manifest();
        let scope = Scope {
            kind: Some(manifest.kind),
            version: Some(manifest.cic_version),
            server: Some(manifest.server.clone()),
        };
        self.tree = Tree::for_archive(scope, &names);
        Ok(())
    }

    /// Starts the job and shows the Status page.
    fn start(&mut self) {
        let job = match self.job() {
            Ok(job) => job,
            Err(error) => {
                self.message = Some(error_line(&error));
                return;
            }
        };
        self.meter = Meter::default();
        self.ending = None;
        self.running = Some(work::start(job));
        self.page = Page::Status;
    }

    fn job(&self) -> Result<Job, Error> {
        match self.task {
            Task::Export => Ok(Job::Export {
                request: ExportRequest {
                    server: self.server.clone(),
                    nodes: self.tree.nodes(),
                    custom_handlers: Some(PathBuf::from(self.export_form.text(labels::HANDLERS))),
                    out: PathBuf::from(self.export_form.text(labels::OUT)),
                },
                password: self.export_password()?,
            }),
            Task::Import => Ok(Job::Import {
                archive: PathBuf::from(self.import_form.text(labels::ARCHIVE)),
                request: self.import_request(),
                password: self.import_password(),
            }),
        }
    }

    fn import_request(&self) -> import::Request {
        let form = &self.import_form;
        import::Request {
            server: self.server.clone(),
            extract_to: PathBuf::from(form.text(labels::EXTRACT)),
            mode: [Mode::Migration, Mode::Recovery][form.choice(labels::MODE)],
            nodes: Nodes::parse(&self.tree.nodes()),
            restore_point: form.check(labels::RESTORE_POINT),
            plan_only: false,
            force: false,
            dev_mode: false,
            map_server: Vec::new(),
            map_site: Vec::new(),
            new_telephony_platform: false,
            per_item_report: false,
        }
    }

    /// Takes in what the job reported since the last call.
    pub fn poll(&mut self) {
        let Some(running) = &self.running else {
            return;
        };
        let mut ended = None;
        while let Ok(event) = running.events.try_recv() {
            match event {
                Event::Phase { name, items, bytes } => {
                    self.meter.lines.push(format!("{name}: {items} items"));
                    self.meter.phase = name;
                    self.meter.items = (items, 0);
                    self.meter.bytes = (bytes, 0);
                }
                Event::Advance(items, bytes) => {
                    self.meter.items.1 += items;
                    self.meter.bytes.1 += bytes;
                }
                Event::Warning(text) => self.meter.lines.push(format!("warning: {text}")),
                Event::Done(result) => ended = Some(result),
            }
        }
        if let Some(result) = ended {
            self.finish(result);
        }
    }

    fn finish(&mut self, result: migrator_core::Result<Finished>) {
        let Some(running) = self.running.take() else {
            return;
        };
        self.ending = Some(match result {
            Ok(finished) => Ending::Done(finished, running.elapsed()),
            Err(_) if running.stopping() => Ending::Stopped,
            Err(error) => Ending::Failed(error),
        });
    }
}

fn export_form(out: &Path, handlers: &Path) -> Form {
    let text = |path: &Path| Value::Text(path.display().to_string());
    Form::default()
        .field(labels::OUT, text(out))
        .field(labels::HANDLERS, text(handlers))
        .field(labels::USE_PASSWORD, Value::Check(false))
        .field_if(
            labels::PASSWORD,
            Value::Secret(String::new()),
            labels::USE_PASSWORD,
        )
        .field_if(
            labels::REPEAT,
            Value::Secret(String::new()),
            labels::USE_PASSWORD,
        )
}

fn import_form() -> Form {
    Form::default()
        .field(labels::ARCHIVE, Value::Text(String::new()))
        .field(labels::EXTRACT, Value::Text(String::new()))
        .field(labels::USE_PASSWORD, Value::Check(false))
        .field_if(
            labels::PASSWORD,
            Value::Secret(String::new()),
            labels::USE_PASSWORD,
        )
        .field(labels::RESTORE_POINT, Value::Check(true))
        .field(labels::MODE, Value::Choice(0, &["Migration", "Recovery"]))
}

fn non_empty(text: &str, label: &str) -> Result<String, Error> {
    if text.is_empty() {
        return Err(usage(&format!("fill in \"{label}\"")));
    }
    Ok(text.to_owned())
}

fn usage(message: &str) -> Error {
    Error::new(migrator_core::ErrorKind::Usage, message)
}

/// An error as one footer line: the message, then the hint.
pub fn error_line(error: &Error) -> String {
    match error.hint() {
        Some(hint) => format!("{} ({hint})", error.message()),
        None => error.message().to_owned(),
    }
}
