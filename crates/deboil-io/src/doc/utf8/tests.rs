use super::*;

/// Bytes near UTF-8: ASCII, NUL, every lead and continuation byte, whole
/// characters of each length, across the thirty-two byte steps.
fn near_utf8() -> impl proptest::strategy::Strategy<Value = Vec<u8>> {
    use proptest::prelude::*;
    let piece = prop_oneof![
        8 => "[ -~]{1,40}".prop_map(|s| s.into_bytes()),
        3 => "[é€😀\u{7ff}\u{800}\u{ffff}\u{10000}\u{10ffff}\u{d7ff}\u{e000}]".prop_map(|s| s.into_bytes()),
        1 => any::<u8>().prop_map(|b| vec![b]),
        1 => Just(vec![0]),
        1 => (0xEDu8..=0xF4, 0x80u8..=0xBF).prop_map(|(a, b)| vec![a, b, 0x80, 0x80]),
    ];
    proptest::collection::vec(piece, 0..12).prop_map(|v| v.concat())
}

proptest::proptest! {
    /// Yes exactly where the standard library's check passes and no byte is NUL.
    #[test]
    fn says_what_the_full_check_says(b in near_utf8()) {
        if std::arch::is_x86_feature_detected!("avx2") {
            let full = std::str::from_utf8(&b).is_ok() && !b.contains(&0);
            proptest::prop_assert_eq!(utf8_without_nul(&b), full);
        }
    }
}

#[test]
fn sequences_of_every_lead_byte() {
    if !std::arch::is_x86_feature_detected!("avx2") {
        return;
    }
    for lead in 0x80..=0xFFu8 {
        for second in [0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0] {
            for tail in [[0x80, 0x80], [0xBF, 0x41], [0x41, 0x41]] {
                // Padded on both sides to take the wide step.
                let mut b = vec![b'a'; 40];
                b.extend_from_slice(&[lead, second, tail[0], tail[1]]);
                b.extend_from_slice(&[b'z'; 40]);
                for cut in [b.len(), 43, 42, 41] {
                    let s = &b[..cut];
                    assert_eq!(
                        utf8_without_nul(s),
                        std::str::from_utf8(s).is_ok(),
                        "{s:x?}"
                    );
                }
            }
        }
    }
}
