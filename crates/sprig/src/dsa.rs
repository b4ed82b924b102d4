//! DSA key generation as Go's `crypto/dsa` does it for `genPrivateKey "dsa"`: L2048N256
//! parameters (`GenerateParameters`), a random private key (`GenerateKey`), and the
//! `DSA PRIVATE KEY` DER Sprig writes (`SEQUENCE { 0, P, Q, G, Y, X }`).

use num_bigint::BigUint;
use num_traits::{One, Zero};

use crate::der;
use crate::random;

const L: usize = 2048;
const N: usize = 256;
/// Miller-Rabin rounds, as Go's `numMRTests`.
const MR_ROUNDS: usize = 64;

/// A fresh DSA private key in Sprig's DER form.
pub(crate) fn generate_der() -> Vec<u8> {
    let (p, q, g) = parameters();
    let x = loop {
        let x = BigUint::from_bytes_be(&random::bytes(q.bits() as usize / 8));
        if !x.is_zero() && x < q {
            break x;
        }
    };
    let y = g.modpow(&x, &p);
    let mut body = der::encode(0x02, &[0]);
    for n in [&p, &q, &g, &y, &x] {
        body.extend(der::encode(0x02, &der_int(n)));
    }
    der::encode(0x30, &body)
}

/// Go's `dsa.GenerateParameters(L2048N256)`.
fn parameters() -> (BigUint, BigUint, BigUint) {
    let one = BigUint::one();
    loop {
        let mut qb = random::bytes(N / 8);
        qb[N / 8 - 1] |= 1;
        qb[0] |= 0x80;
        let q = BigUint::from_bytes_be(&qb);
        if !probably_prime(&q) {
            continue;
        }
        for _ in 0..4 * L {
            let mut pb = random::bytes(L / 8);
            pb[L / 8 - 1] |= 1;
            pb[0] |= 0x80;
            let mut p = BigUint::from_bytes_be(&pb);
            let rem = &p % &q;
            p = p - rem + &one;
            if (p.bits() as usize) < L || !probably_prime(&p) {
                continue;
            }
            let e = (&p - &one) / &q;
            let mut h = BigUint::from(2u32);
            let g = loop {
                let g = h.modpow(&e, &p);
                if g != one {
                    break g;
                }
                h += &one;
            };
            return (p, q, g);
        }
    }
}

/// Trial division by small primes, then Miller-Rabin with random bases.
fn probably_prime(n: &BigUint) -> bool {
    const SMALL: [u32; 24] = [
        3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83, 89, 97,
    ];
    if SMALL.iter().any(|&s| (n % s).is_zero()) {
        return false;
    }
    let one = BigUint::one();
    let n1 = n - &one;
    let s = n1.trailing_zeros().unwrap_or(0);
    let d = &n1 >> s;
    let len = n.bits().div_ceil(8) as usize;
    'rounds: for _ in 0..MR_ROUNDS {
        let a = BigUint::from_bytes_be(&random::bytes(len)) % (&n1 - &one) + &one;
        let mut x = a.modpow(&d, n);
        if x == one || x == n1 {
            continue;
        }
        for _ in 1..s {
            x = x.modpow(&BigUint::from(2u32), n);
            if x == n1 {
                continue 'rounds;
            }
        }
        return false;
    }
    true
}

/// A non-negative DER INTEGER's content (a leading zero when the top bit is set).
fn der_int(n: &BigUint) -> Vec<u8> {
    let mut b = n.to_bytes_be();
    if b[0] & 0x80 != 0 {
        b.insert(0, 0);
    }
    b
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn miller_rabin_separates_primes() {
        assert!(probably_prime(&BigUint::from(1_000_000_007u64)));
        assert!(!probably_prime(&BigUint::from(
            1_000_000_007u64 * 998_244_353
        )));
        // 2^127 - 1 is prime.
        assert!(probably_prime(&((BigUint::one() << 127) - BigUint::one())));
    }
}
