//! `migrator wizard --server DIR`: the vendor tool's wizard in a terminal, for people who
//! prefer pages to options. It runs the same library entry points as the `export` and
//! `import` commands; [`app`] holds the state and the keys, [`view`] draws, [`work`] runs
//! the job on a thread, [`tree`] and [`form`] are the component tree and the fields.

mod app;
mod form;
mod tree;
mod view;
mod work;

use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::Duration;

use crossterm::event::{self, Event, KeyEventKind};
use migrator_core::server::{self, ServerImage};
use migrator_core::{Error, ErrorKind, Result};
use ratatui::DefaultTerminal;

use app::App;

/// Options of `wizard`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The server image the wizard exports from or imports onto.
    #[arg(long, value_name = "DIR")]
    server: PathBuf,
}

/// Runs the wizard until the user closes it; returns the exit code of what it ran.
pub fn run(args: Args) -> Result<u8> {
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        return Err(Error::new(ErrorKind::Usage, "the wizard needs a terminal")
            .with_hint("Run it in a terminal, or use the export and import commands."));
    }
    let image = ServerImage::open(&args.server)?;
    let identity = server::identity(&image.load_registry()?, image.registry_file())?;
    let mut app = App::new(args.server, identity);
    crate::logging::mute_console(true);
    let mut terminal = ratatui::init();
    let outcome = event_loop(&mut terminal, &mut app);
    ratatui::restore();
    crate::logging::mute_console(false);
    outcome.map_err(|e| Error::io("drawing on", std::path::Path::new("the terminal"), e))?;
    Ok(app.exit_code())
}

fn event_loop(terminal: &mut DefaultTerminal, app: &mut App) -> std::io::Result<()> {
    while !app.quit {
        app.poll();
        terminal.draw(|frame| view::draw(frame, app))?;
        if !event::poll(Duration::from_millis(100))? {
            continue;
        }
        if let Event::Key(key) = event::read()? {
            if key.kind == KeyEventKind::Press {
                app.on_key(key);
            }
        }
    }
    Ok(())
}
