//! `migrator server-info DIR [--json]`: a server image's identity and item counts.

use std::path::PathBuf;

use migrator_core::server::{self, ServerImage};
use migrator_core::Result;

/// Options of `server-info`.
#[derive(clap::Args)]
pub struct Args {
    /// The server image folder.
    dir: PathBuf,
    /// Print JSON for programs.
    #[arg(long)]
    json: bool,
}

/// Prints the identity of the image in `args.dir`.
pub fn run(args: Args) -> Result<u8> {
    let image = ServerImage::open(&args.dir)?;
    let tree = image.load_registry()?;
    let identity = server::identity(&tree, image.registry_file())?;
    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&identity).expect("identity serializes")
        );
    } else {
        println!("server:  {}", identity.server);
        println!("site:    {}", identity.site);
        println!("version: {}", identity.version);
        println!("kind:    {}", identity.kind.product_name());
        println!("install: {}", identity.install_path);
    }
    Ok(0)
}
