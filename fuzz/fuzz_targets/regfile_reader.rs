//! Fuzzes the `.reg` reader: no input may panic it, strict or lenient, and whatever it reads
//! must survive a write and a second read unchanged.

#![no_main]

use libfuzzer_sys::fuzz_target;
use migrator_core::registry::regfile::{parse, write_export, ReadOptions};

fuzz_target!(|data: &[u8]| {
    for lenient in [false, true] {
        let options = ReadOptions::new("fuzz").with_lenient(lenient);
        let Ok(file) = parse(data, &options) else {
            continue;
        };
        let tree = file.to_tree();
        let mut written = Vec::new();
        write_export(&tree, &mut written).expect("a tree read from a file can be written");
        let again = parse(&written, &ReadOptions::new("written"))
            .unwrap_or_else(|e| panic!("an export does not read back: {e}"));
        assert!(again.to_tree() == tree, "write then read changed the tree");
    }
});
