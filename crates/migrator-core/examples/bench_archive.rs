//! The archive writer on its own, for `scripts/bench-archive.sh`.
//!
//! `bench_archive generate DIR MEGABYTES FILE_MEGABYTES` fills DIR with WAV-like prompts
//! (a tone with noise, FILE_MEGABYTES each, MEGABYTES in all) under `Resources/Prompts`
//! plus a few thousand small handler-like text files under `Handlers`.
//!
//! `bench_archive write DIR DEST [LEVEL]` archives DIR into DEST with one component per
//! top-level folder, as an export does, encrypted with the password in MIGRATOR_PASSWORD when
//! set, and prints the archive's path.

use std::f64::consts::TAU;
use std::io::Write;
use std::path::{Path, PathBuf};

use migrator_core::archive::{ArchiveWriter, ComponentInput, FileInput, ManifestHeader};
use migrator_core::progress::NoProgress;
use migrator_core::server::ServerKind;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("generate") if args.len() == 4 => {
            generate(Path::new(&args[1]), number(&args[2]), number(&args[3]));
            Ok(())
        }
        Some("write") if args.len() >= 3 => {
            write(Path::new(&args[1]), Path::new(&args[2]), args.get(3))
        }
        _ => {
            eprintln!("usage: bench_archive generate DIR MEGABYTES FILE_MEGABYTES");
            eprintln!("       bench_archive write DIR DEST [LEVEL]");
            std::process::exit(2);
        }
    };
    if let Err(error) = result {
        eprintln!("error: {}", error.message());
        std::process::exit(1);
    }
}

fn number(text: &str) -> u64 {
    text.parse().expect("a whole number")
}

/// A small, fast, deterministic noise source (xorshift64*).
struct Noise(u64);

impl Noise {
    fn next(&mut self) -> f64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        let bits = self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11;
        bits as f64 / (1u64 << 53) as f64 - 0.5
    }
}

fn generate(dir: &Path, megabytes: u64, file_megabytes: u64) {
    let prompts = dir.join("Resources/Prompts/en-US");
    std::fs::create_dir_all(&prompts).unwrap();
    let count = (megabytes / file_megabytes.max(1)).max(1);
    for i in 0..count {
        let samples = (file_megabytes * 1024 * 1024 / 2) as usize;
        let path = prompts.join(format!("prompt{i:04}.wav"));
        write_wave(&path, samples, 300.0 + 7.0 * i as f64, i + 1);
    }
    let handlers = dir.join("Handlers/Custom");
    std::fs::create_dir_all(&handlers).unwrap();
    let mut noise = Noise(99);
    for i in 0..3000 {
        let lines = 20 + ((noise.next() + 0.5) * 400.0) as usize;
        let mut text = String::new();
        for line in 0..lines {
            text.push_str(&format!(
                "<step id=\"{line}\" tool=\"Assign\" target=\"var{}\" value=\"{:.6}\"/>\n",
                line % 17,
                noise.next()
            ));
        }
        std::fs::write(handlers.join(format!("handler{i:04}.ihd")), text).unwrap();
    }
}

/// 16-bit mono PCM at 8 kHz: a tone with a slow vibrato and some noise, like a prompt.
fn write_wave(path: &Path, samples: usize, pitch: f64, seed: u64) {
    let mut out = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    let data = (samples * 2) as u32;
    out.write_all(b"RIFF").unwrap();
    out.write_all(&(36 + data).to_le_bytes()).unwrap();
    out.write_all(b"WAVEfmt ").unwrap();
    let format: [u32; 4] = [16, 1 | (1 << 16), 8000, 16000];
    for field in format {
        out.write_all(&field.to_le_bytes()).unwrap();
    }
    out.write_all(&(2u16 | (16 << 16) as u16).to_le_bytes())
        .unwrap();
    out.write_all(&16u16.to_le_bytes()).unwrap();
    out.write_all(b"data").unwrap();
    out.write_all(&data.to_le_bytes()).unwrap();
    let mut noise = Noise(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    for n in 0..samples {
        let t = n as f64 / 8000.0;
        let tone = (TAU * pitch * t + 2.0 * (TAU * 3.0 * t).sin()).sin();
        let sample = 9000.0 * tone + 1500.0 * noise.next();
        out.write_all(&(sample as i16).to_le_bytes()).unwrap();
    }
}

fn write(dir: &Path, dest: &Path, level: Option<&String>) -> migrator_core::Result<()> {
    let password = std::env::var("MIGRATOR_PASSWORD")
        .ok()
        .map(secrecy::SecretString::from);
    let header = ManifestHeader {
        server: "BENCH".into(),
        site: "Bench".into(),
        kind: ServerKind::Cic,
        cic_version: "2018 R5".parse().expect("a known release"),
        install_root: String::new(),
        created: chrono::Local::now(),
    };
    let mut writer = ArchiveWriter::create(dest, header, password.as_ref(), &NoProgress)?;
    if let Some(level) = level {
        writer = writer.compression_level(level.parse().expect("a level from 1 to 9"));
    }
    for (name, files) in components(dir) {
        writer.add_component(ComponentInput {
            name,
            items: files.len() as u64,
            reason_pulled_in: None,
            registry: Some(b"Windows Registry Editor Version 5.00\r\n".to_vec()),
            files,
        })?;
    }
    println!("{}", writer.finish()?.display());
    Ok(())
}

/// One component per top-level folder, files under their paths relative to `dir`.
fn components(dir: &Path) -> Vec<(String, Vec<FileInput>)> {
    let mut folders: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    folders.sort();
    folders
        .into_iter()
        .map(|folder| {
            let files = walkdir::WalkDir::new(&folder)
                .sort_by_file_name()
                .into_iter()
                .map(|e| e.unwrap())
                .filter(|e| e.file_type().is_file())
                .map(|e| FileInput {
                    archive_path: e
                        .path()
                        .strip_prefix(dir)
                        .unwrap()
                        .to_string_lossy()
                        .replace('\\', "/"),
                    size: e.metadata().unwrap().len(),
                    source: e.into_path(),
                })
                .collect();
            (
                folder.file_name().unwrap().to_string_lossy().into_owned(),
                files,
            )
        })
        .collect()
}
