//! Where things are in a CIC sample: locations, and the layouts (floor plans) on which
//! stations have positions.
//!
//! `Default Location` is always the first location, as stations, lines and Media Servers
//! refer to it. Layouts lie in locations and show an image; each position puts one existing
//! station on a layout. Attribute names follow the fields of these configuration objects, in
//! the spaced words Directory Services uses.

use rand::Rng;

use super::image::{Builder, Entry};
use super::telephony::Telephony;
use crate::layout;
use crate::server::counts;

/// Locations with their time zone, `Default Location` first.
const LOCATIONS: &[(&str, &str)] = &[
    ("Default Location", "Eastern Standard Time"),
    ("Headquarters", "Eastern Standard Time"),
    ("Denver Office", "Mountain Standard Time"),
    ("Remote Agents", "Central Standard Time"),
    ("Dublin Office", "GMT Standard Time"),
];

/// Writes locations, layouts and positions.
pub fn build(b: &mut Builder, telephony: &Telephony) {
    let locations = locations(b);
    layouts(b, &locations, &telephony.stations);
}

fn locations(b: &mut Builder) -> Vec<String> {
    let count = b.scale.locations.max(1);
    let mut names = Vec::with_capacity(count);
    for i in 0..count {
        let (name, zone) = match LOCATIONS.get(i) {
            Some(&(name, zone)) => (name.to_string(), zone),
            None => (
                format!("Branch Office {}", i + 1 - LOCATIONS.len()),
                "Eastern Standard Time",
            ),
        };
        let area = b.rng.gen_range(201..=989u32).to_string();
        b.put(
            layout::LOCATIONS,
            Entry::new(&name)
                .sz("Description", &format!("Stations and lines at {name}"))
                .sz("Country Code", "1")
                .sz("Area Code", &area)
                .sz("Time Zone", zone)
                .flag("Default", i == 0),
        );
        names.push(name);
    }
    b.count(counts::LOCATIONS, count);
    names
}

/// Layouts, one per floor, and the positions of consecutive stations on them.
fn layouts(b: &mut Builder, locations: &[String], stations: &[String]) {
    let per_layout = b.scale.positions_per_layout.min(stations.len());
    let mut positions = 0;
    for i in 0..b.scale.layouts {
        let name = format!("Floor {}", i + 1);
        let location = &locations[i % locations.len()];
        b.put(
            layout::LAYOUTS,
            Entry::new(&name)
                .sz("Description", &format!("{name} seating plan"))
                .sz("Image Resource", &format!("Floor Plan {}", i + 1))
                .sz("Location", location)
                .sz("Position Default Height", "40")
                .sz("Position Default Width", "60"),
        );
        for slot in 0..per_layout {
            let station = &stations[(i * per_layout + slot) % stations.len()];
            b.put(layout::POSITIONS, position(&name, station, slot));
            positions += 1;
        }
    }
    b.count(counts::LAYOUTS, b.scale.layouts);
    b.count(counts::POSITIONS, positions);
}

/// A station's place on a layout: desks in rows of eight, as fractions of the image.
fn position(layout_name: &str, station: &str, slot: usize) -> Entry {
    let (row, column) = (slot / 8, slot % 8);
    let left = 0.05 + 0.11 * column as f64;
    let top = 0.05 + 0.08 * (row % 11) as f64;
    Entry::new(&format!("{layout_name} - {station}"))
        .sz("Layout", layout_name)
        .sz("Station", station)
        .sz("Left", &format!("{left:.3}"))
        .sz("Top", &format!("{top:.3}"))
        .sz("Right", &format!("{:.3}", left + 0.09))
        .sz("Bottom", &format!("{:.3}", top + 0.06))
}
