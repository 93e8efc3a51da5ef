//! The shipped data files load, and corrupt or truncated ones are refused
//! with the file named.

use lottery_ticket_lab::engine::data::{self, DataError, DatasetName};
use lottery_ticket_lab::engine::{self, Choice};

fn path(f: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("web/data").join(f)
}

#[test]
fn shipped_sets_load_with_their_shapes() {
    for (name, n, px) in
        [(DatasetName::Digits, 1797, 64), (DatasetName::Mnist, 10_000, 784), (DatasetName::Fashion, 12_000, 784)]
    {
        let file = name.file_name().unwrap();
        let s = data::decode_image_set(file, &std::fs::read(path(file)).unwrap()).unwrap();
        assert_eq!((s.len(), s.features, s.classes), (n, px, 10), "{name:?}");
        assert!(s.x.iter().all(|v| (0.0..=1.0).contains(v)));
        // The largest value the file stores (header byte 12), which an exported ONNX graph divides by.
        assert_eq!(name.stored_max(), Some(std::fs::read(path(file)).unwrap()[12]), "{name:?}");
        // Every class is present in the first 1,000 (the files are shuffled).
        let mut seen = [false; 10];
        s.y.iter().take(1000).for_each(|&y| seen[y as usize] = true);
        assert!(seen.iter().all(|s| *s), "{name:?} prefix misses a class");
    }
}

#[test]
fn truncated_file_is_refused_with_its_name() {
    let bytes = std::fs::read(path("digits.ltd")).unwrap();
    let err = data::decode_image_set("digits.ltd", &bytes[..bytes.len() - 100]).unwrap_err();
    assert!(matches!(err, DataError::Truncated { .. }));
    assert!(err.to_string().starts_with("digits.ltd: truncated"), "{err}");
    let err = data::decode_image_set("digits.ltd", &bytes[..10]).unwrap_err();
    assert!(err.to_string().contains("digits.ltd"), "{err}");
}

#[test]
fn corrupt_file_is_refused_with_its_name() {
    let mut bytes = std::fs::read(path("digits.ltd")).unwrap();
    bytes[500] ^= 0x40;
    let err = data::decode_image_set("digits.ltd", &bytes).unwrap_err();
    assert!(matches!(err, DataError::Checksum { .. }), "{err}");
    assert!(err.to_string().starts_with("digits.ltd: corrupt"), "{err}");
    let err = data::decode_image_set("notes.txt", b"hello world, this is not data").unwrap_err();
    assert_eq!(err, DataError::BadMagic { file: "notes.txt".into() });
    let mut v2 = std::fs::read(path("digits.ltd")).unwrap();
    v2[4] = 2;
    assert!(data::decode_image_set("d.ltd", &v2).unwrap_err().to_string().contains("version 2"));
}

#[test]
fn missing_file_is_named() {
    let config = engine::preset("lenet-mnist").unwrap();
    let err = engine::load_dataset(&config, std::path::Path::new("/nonexistent")).unwrap_err();
    assert!(err.to_string().contains("/nonexistent/mnist.ltd"), "{err}");
}

#[test]
fn two_d_generators_are_seeded_and_labelled() {
    // The classification sets (the regression sets are drawn and checked by their task: tests/regression.rs).
    for name in DatasetName::all().filter(|d| d.is_2d() && !d.is_regression()) {
        let a = data::generate_2d(name, 200, 0.3, 5);
        let b = data::generate_2d(name, 200, 0.3, 5);
        assert_eq!(a.x, b.x, "{name:?} is not deterministic");
        assert_eq!(a.len(), 200, "{name:?}");
        let ones = a.y.iter().filter(|y| **y == 1).count();
        assert!((60..=140).contains(&ones), "{name:?}: {ones} of 200 in class 1");
        assert!(a.x.iter().all(|v| v.abs() < 2.0), "{name:?} leaves the plane");
    }
}
