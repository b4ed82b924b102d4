//! Cryptographically random choices for `randAlphaNum`, `shuffle`, `randInt` and friends.

/// `n` random bytes from the operating system.
pub(crate) fn bytes(n: usize) -> Vec<u8> {
    let mut buf = vec![0u8; n];
    // The OS generator failing is unrecoverable for key generation anyway; keep zeros then.
    let _ = getrandom::fill(&mut buf);
    buf
}

/// A uniformly random number in `0..n` (`n > 0`).
pub(crate) fn below(n: u64) -> u64 {
    let zone = u64::MAX - (u64::MAX % n);
    loop {
        let mut b = [0u8; 8];
        let _ = getrandom::fill(&mut b);
        let x = u64::from_le_bytes(b);
        if x < zone {
            return x % n;
        }
    }
}

/// `count` characters drawn uniformly from `alphabet`.
pub(crate) fn string_from(alphabet: &[char], count: usize) -> String {
    (0..count)
        .map(|_| alphabet[below(alphabet.len() as u64) as usize])
        .collect()
}

/// The characters of `s` in random order (xstrings' `Shuffle`).
pub(crate) fn shuffle(s: &str) -> String {
    let mut chars: Vec<char> = s.chars().collect();
    for i in (1..chars.len()).rev() {
        let j = below(i as u64 + 1) as usize;
        chars.swap(i, j);
    }
    chars.into_iter().collect()
}
