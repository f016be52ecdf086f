//! The manifest, the checksums and the lock, in one process.

use super::*;

fn meta(docs: usize) -> IndexMeta {
    IndexMeta {
        version: FORMAT_VERSION,
        shingle: "word:5".into(),
        scheme: "oph".into(),
        num_perm: 3,
        docs,
    }
}

fn sample() -> IndexedDocs {
    IndexedDocs {
        ids: vec!["a".into(), "b\n\"".into()],
        exact: vec![1, u128::MAX],
        sigs: vec![
            Signature {
                values: vec![1, 2, 3],
                shingles: 9,
            },
            Signature {
                values: vec![4, 5, u32::MAX],
                shingles: 0,
            },
        ],
    }
}

fn parts(dir: &Path) -> Vec<std::path::PathBuf> {
    let m: Manifest = serde_json::from_slice(&std::fs::read(dir.join(MANIFEST)).unwrap()).unwrap();
    Part::ALL
        .iter()
        .map(|&p| dir.join(&m.files.get(p).name))
        .collect()
}

fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn saves_and_loads_and_refuses_other_parameters() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("idx");
    let idx = sample();
    save(&idx, &dir, &meta(2)).unwrap();
    let back = load(&dir, &meta(0)).unwrap();
    assert_eq!(
        (back.ids, back.exact, back.sigs),
        (idx.ids, idx.exact, idx.sigs)
    );
    let other = IndexMeta {
        shingle: "char:5".into(),
        ..meta(0)
    };
    let e = load(&dir, &other).unwrap_err();
    assert!(e.to_string().contains("built with shingles word:5"), "{e}");
}

#[test]
fn the_manifest_records_each_file_and_a_checksum_of_itself() {
    let tmp = tempfile::tempdir().unwrap();
    save(&sample(), tmp.path(), &meta(2)).unwrap();
    let raw = std::fs::read(tmp.path().join(MANIFEST)).unwrap();
    let m: Manifest = serde_json::from_slice(&raw).unwrap();
    assert_eq!((m.version, m.docs, m.num_perm), (FORMAT_VERSION, 2, 3));
    for (p, part) in parts(tmp.path()).iter().zip(Part::ALL) {
        let bytes = std::fs::read(p).unwrap();
        let f = m.files.get(part);
        let sum = xxhash_rust::xxh3::xxh3_128(&bytes);
        assert_eq!(
            (f.bytes, f.xxh3_128.clone()),
            (bytes.len() as u64, hex(sum))
        );
        assert_eq!(f.name, part.file_name(sum));
    }
    assert_eq!(std::fs::read(&parts(tmp.path())[1]).unwrap().len(), 2 * 16);
    assert_eq!(m.checksum, m.sum());
    // Any change to the manifest's content breaks its checksum.
    let edited = String::from_utf8(raw)
        .unwrap()
        .replace("\"scheme\": \"oph\"", "\"scheme\": \"classic\"");
    std::fs::write(tmp.path().join(MANIFEST), edited).unwrap();
    let e = load(tmp.path(), &meta(0)).unwrap_err().to_string();
    assert!(
        e.contains("is damaged: index.json checksum mismatch"),
        "{e}"
    );
}

#[test]
fn a_changed_byte_in_any_data_file_is_refused() {
    for k in 0..3 {
        let tmp = tempfile::tempdir().unwrap();
        save(&sample(), tmp.path(), &meta(2)).unwrap();
        let p = &parts(tmp.path())[k];
        let mut b = std::fs::read(p).unwrap();
        b[1] ^= 0x01;
        std::fs::write(p, &b).unwrap();
        let e = load(tmp.path(), &meta(0)).unwrap_err().to_string();
        let name = p.file_name().unwrap().to_string_lossy();
        assert!(
            e.contains(&format!("is damaged: {name} checksum mismatch")),
            "{e}"
        );
        b.pop();
        std::fs::write(p, &b).unwrap();
        let e = load(tmp.path(), &meta(0)).unwrap_err().to_string();
        assert!(e.contains(&format!("{name} is {} bytes", b.len())), "{e}");
    }
}

#[test]
fn older_formats_are_refused_with_a_request_to_rebuild() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join(MANIFEST),
        r#"{"version": 2, "shingle": "word:5", "scheme": "oph", "num_perm": 3, "docs": 0}"#,
    )
    .unwrap();
    let e = load(tmp.path(), &meta(0)).unwrap_err().to_string();
    assert!(
        e.contains("format 2, which carries no checksums") && e.contains("rebuild"),
        "{e}"
    );
    // Saving over it replaces it, old files included.
    for f in ["ids.jsonl", "exact.bin", "signatures.bin"] {
        std::fs::write(tmp.path().join(f), "").unwrap();
    }
    save(&sample(), tmp.path(), &meta(2)).unwrap();
    assert_eq!(load(tmp.path(), &meta(0)).unwrap().ids.len(), 2);
    assert_eq!(names(tmp.path()).len(), 5, "{:?}", names(tmp.path()));
}

#[test]
fn format_3_without_a_kind_still_loads_and_format_4_names_its_kind() {
    let tmp = tempfile::tempdir().unwrap();
    save(&sample(), tmp.path(), &meta(2)).unwrap();
    let raw = std::fs::read(tmp.path().join(MANIFEST)).unwrap();
    let m: Manifest = serde_json::from_slice(&raw).unwrap();
    assert_eq!((m.kind.as_deref(), m.version), (Some(KIND), 4));
    assert!(is_index_dir(tmp.path()));
    // The manifest format 3 wrote: no kind, checksummed without one.
    let old = Manifest {
        kind: None,
        version: 3,
        ..m.clone()
    };
    std::fs::write(tmp.path().join(MANIFEST), old.sealed()).unwrap();
    assert!(
        !String::from_utf8_lossy(&std::fs::read(tmp.path().join(MANIFEST)).unwrap())
            .contains("kind")
    );
    assert!(is_index_dir(tmp.path()));
    assert_eq!(load(tmp.path(), &meta(0)).unwrap().ids.len(), 2);
    // Format 4 without its kind is not whole.
    let no_kind = Manifest { kind: None, ..m };
    std::fs::write(tmp.path().join(MANIFEST), no_kind.sealed()).unwrap();
    let e = load(tmp.path(), &meta(0)).unwrap_err().to_string();
    assert!(e.contains("is damaged") && e.contains("kind"), "{e}");
}

#[test]
fn a_second_writer_is_refused_while_the_first_holds_the_lock() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("idx");
    let first = IndexLock::acquire(&dir).unwrap();
    let e = IndexLock::acquire(&dir).err().unwrap().to_string();
    let pid = format!("pid {}", std::process::id());
    assert!(
        e.contains("is being written by another deboil run") && e.contains(&pid),
        "{e}"
    );
    first.save(&sample(), &meta(2)).unwrap();
    drop(first);
    // Released on drop, and the index stays.
    let second = IndexLock::acquire(&dir).unwrap();
    drop(second);
    assert_eq!(load(&dir, &meta(0)).unwrap().ids.len(), 2);
}

#[test]
fn a_lock_that_saved_nothing_leaves_no_directory_it_made() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("idx");
    drop(IndexLock::acquire(&dir).unwrap());
    assert!(!dir.exists());
    // A staged index that is never committed leaves nothing behind either.
    save(&sample(), &dir, &meta(2)).unwrap();
    let before = names(&dir);
    let lock = IndexLock::acquire(&dir).unwrap();
    let other = IndexedDocs {
        ids: vec!["z".into()],
        exact: vec![7],
        sigs: vec![Signature {
            values: vec![7, 7, 7],
            shingles: 1,
        }],
    };
    drop(lock.stage(&other, &meta(1)).unwrap());
    drop(lock);
    assert_eq!(names(&dir), before);
    assert_eq!(load(&dir, &meta(0)).unwrap().ids, ["a", "b\n\""]);
}

#[test]
fn a_directory_holding_other_files_is_not_written_into() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("notes.txt"), "mine").unwrap();
    let e = save(&sample(), tmp.path(), &meta(2))
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("not a deboil index (it holds \"notes.txt\")"),
        "{e}"
    );
    assert_eq!(names(tmp.path()), ["notes.txt"]);
}

#[test]
fn a_missing_data_file_is_named() {
    let tmp = tempfile::tempdir().unwrap();
    save(&sample(), tmp.path(), &meta(2)).unwrap();
    let p = &parts(tmp.path())[1];
    std::fs::remove_file(p).unwrap();
    let e = load(tmp.path(), &meta(0)).unwrap_err().to_string();
    let name = p.file_name().unwrap().to_string_lossy();
    assert!(e.contains(&format!("is damaged: {name} is missing")), "{e}");
}
