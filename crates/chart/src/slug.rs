//! werf's slugs for release names, namespaces and docker tags (`werf-nelm.md` §2): a
//! transliteration to lowercase ASCII with `-` separators, then, when the input was not
//! already valid, a crop and the murmur3 hash of the original string.

/// Longest Helm release name.
pub const HELM_RELEASE_MAX: usize = 53;
/// Longest Kubernetes namespace (a DNS-1123 label).
pub const NAMESPACE_MAX: usize = 63;
/// Longest docker tag.
pub const DOCKER_TAG_MAX: usize = 128;
/// werf's legacy default limit for `LimitedSlug`.
pub const DEFAULT_SLUG_MAX: usize = 42;
/// Longest werf project name.
pub const PROJECT_MAX: usize = 50;

/// The transliteration of one character; `None` drops it.
fn transliterate(c: char) -> Option<&'static str> {
    const LOWER: [&str; 26] = [
        "a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m", "n", "o", "p", "q", "r",
        "s", "t", "u", "v", "w", "x", "y", "z",
    ];
    const DIGITS: [&str; 10] = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];
    Some(match c {
        'a'..='z' => LOWER[c as usize - 'a' as usize],
        'A'..='Z' => LOWER[c as usize - 'A' as usize],
        '0'..='9' => DIGITS[c as usize - '0' as usize],
        '&' | '(' | ')' | '{' | '}' | '[' | ']' | '-' | '_' | ',' | '.' | ';' | ':' | '=' | '+'
        | '<' | '>' | '~' | '/' | ' ' => "-",
        '²' => "2",
        '³' => "3",
        'µ' => "u",
        '×' => "x",
        'Æ' | 'æ' => "ae",
        'Þ' | 'þ' => "th",
        'ß' => "b",
        'Ð' => "d",
        'ð' => "o",
        'Œ' | 'œ' => "oe",
        'Ĳ' | 'ĳ' => "ij",
        _ => return latin_base(c).or_else(|| cyrillic(c)),
    })
}

/// Latin-1 and Latin Extended-A letters with diacritics: their base letter.
fn latin_base(c: char) -> Option<&'static str> {
    Some(match c {
        'À'..='Å' | 'à'..='å' | 'Ā'..='ą' => "a",
        'Ç' | 'ç' | 'Ć'..='č' => "c",
        'Ď'..='đ' => "d",
        'È'..='Ë' | 'è'..='ë' | 'Ē'..='ě' => "e",
        'Ĝ'..='ģ' => "g",
        'Ĥ'..='ħ' => "h",
        'Ì'..='Ï' | 'ì'..='ï' | 'Ĩ'..='ı' => "i",
        'Ĵ' | 'ĵ' => "j",
        'Ķ'..='ĸ' => "k",
        'Ĺ'..='ł' => "l",
        'Ñ' | 'ñ' | 'Ń'..='ŋ' => "n",
        'Ò'..='Ö' | 'Ø' | 'ò'..='ö' | 'ø' | 'Ō'..='ő' => "o",
        'Ŕ'..='ř' => "r",
        'Ś'..='š' | 'ſ' => "s",
        'Ţ'..='ŧ' => "t",
        'Ù'..='Ü' | 'ù'..='ü' | 'Ũ'..='ų' => "u",
        'Ŵ' | 'ŵ' => "w",
        'Ý' | 'ý' | 'ÿ' | 'Ŷ'..='Ÿ' => "y",
        'Ź'..='ž' => "z",
        _ => return None,
    })
}

/// Russian Cyrillic, transliterated as werf does (`е`→`ye`, `й`→`j`, `х`→`h`, `ц`→`c`).
fn cyrillic(c: char) -> Option<&'static str> {
    const TABLE: [&str; 32] = [
        "a", "b", "v", "g", "d", "ye", "zh", "z", "i", "j", "k", "l", "m", "n", "o", "p", "r", "s",
        "t", "u", "f", "h", "c", "ch", "sh", "shch", "", "y", "", "e", "yu", "ya",
    ];
    match c {
        'А'..='Я' => Some(TABLE[c as usize - 'А' as usize]),
        'а'..='я' => Some(TABLE[c as usize - 'а' as usize]),
        'Ё' | 'ё' => Some("yo"),
        _ => None,
    }
}

/// werf's `slugify`: transliterate, drop a leading `-`, collapse runs of `-`, drop a
/// trailing one.
pub fn slugify(data: &str) -> String {
    let mut result = String::with_capacity(data.len());
    let mut cursor_dash = false;
    let mut previous_dash = false;
    for c in data.chars() {
        let Some(cursor) = transliterate(c) else {
            continue;
        };
        if cursor.is_empty() {
            continue;
        }
        cursor_dash = cursor == "-";
        let empty = result.is_empty();
        if cursor_dash && (empty || previous_dash) {
            continue;
        }
        result.push_str(cursor);
        previous_dash = cursor_dash;
    }
    if !result.is_empty() && cursor_dash {
        result.pop();
    }
    result
}

/// MurmurHash3 (x86, 32-bit) with seed 0.
pub fn murmur3_32(data: &[u8]) -> u32 {
    const C1: u32 = 0xcc9e_2d51;
    const C2: u32 = 0x1b87_3593;
    let mut h: u32 = 0;
    let mut chunks = data.chunks_exact(4);
    for chunk in &mut chunks {
        let mut k = u32::from_le_bytes([chunk[0], chunk[1], chunk[2], chunk[3]]);
        k = k.wrapping_mul(C1).rotate_left(15).wrapping_mul(C2);
        h ^= k;
        h = h.rotate_left(13).wrapping_mul(5).wrapping_add(0xe654_6b64);
    }
    let tail = chunks.remainder();
    if !tail.is_empty() {
        let mut k: u32 = 0;
        for (i, b) in tail.iter().enumerate() {
            k |= u32::from(*b) << (8 * i);
        }
        k = k.wrapping_mul(C1).rotate_left(15).wrapping_mul(C2);
        h ^= k;
    }
    h ^= data.len() as u32;
    h ^= h >> 16;
    h = h.wrapping_mul(0x85eb_ca6b);
    h ^= h >> 13;
    h = h.wrapping_mul(0xc2b2_ae35);
    h ^= h >> 16;
    h
}

/// werf's `slug(data, max)`: the slugified text cropped to leave room for `-` and the hash
/// of the original. A crop ending in `-` keeps it (werf's legacy behaviour).
fn slug(data: &str, max: usize) -> String {
    let slugged = slugify(data);
    let hash = format!("{:x}", murmur3_32(data.as_bytes()));
    if slugged.is_empty() {
        return hash;
    }
    let max_len = max.saturating_sub(hash.len() + 1);
    let cropped = &slugged[..slugged.len().min(max_len)];
    format!("{cropped}-{hash}")
}

/// werf's `LimitedSlug`: slugs when the text is not already a slug within `max` (keeping
/// werf's legacy `--` idempotence rule).
pub fn limited_slug(data: &str, max: usize) -> String {
    if !should_be_slugged(data, max) {
        return data.to_owned();
    }
    slug(data, max)
}

fn should_be_slugged(data: &str, max: usize) -> bool {
    if data.is_empty() {
        return false;
    }
    if slugify(data) == data && data.len() <= max {
        return false;
    }
    if data.len() > max || data.matches("--").count() != 1 {
        return true;
    }
    let once = data.replacen("--", "-", 1);
    slugify(&once) != once
}

/// The DNS-1123 label message of Kubernetes' validation.
const LABEL_MSG: &str = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
/// The DNS-1123 subdomain message of Kubernetes' validation.
const SUBDOMAIN_MSG: &str = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

fn is_dns_label(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b.iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-')
        && b[0] != b'-'
        && b[b.len() - 1] != b'-'
}

fn is_dns_subdomain(s: &str) -> bool {
    s.split('.').all(is_dns_label)
}

/// Kubernetes' `IsDNS1123Label` problems.
fn dns_label_problems(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    if s.len() > 63 {
        out.push("must be no more than 63 characters".to_owned());
    }
    if !is_dns_label(s) {
        out.push(LABEL_MSG.to_owned());
    }
    out
}

/// Kubernetes' `IsDNS1123Subdomain` problems.
fn dns_subdomain_problems(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    if s.len() > 253 {
        out.push("must be no more than 253 characters".to_owned());
    }
    if !is_dns_subdomain(s) {
        out.push(SUBDOMAIN_MSG.to_owned());
    }
    out
}

/// werf's `ValidateHelmRelease` (an empty name is valid here).
pub fn validate_helm_release(name: &str) -> Result<(), String> {
    let prefix = format!(
        "helm release name should be a valid DNS-1123 subdomain and be maximum {HELM_RELEASE_MAX} chars"
    );
    if name.is_empty() {
        return Ok(());
    }
    if name.len() > HELM_RELEASE_MAX {
        return Err(format!(
            "{prefix}: {} is {} chars long",
            slipway_value::fmt::quote(name),
            name.len()
        ));
    }
    let problems = dns_subdomain_problems(name);
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!("{prefix}: {}", problems.join(", ")))
    }
}

/// werf's `ValidateKubernetesNamespace` (an empty name is valid here).
pub fn validate_kubernetes_namespace(name: &str) -> Result<(), String> {
    let prefix = "kubernetes namespace should be a valid DNS-1123 label";
    if name.is_empty() {
        return Ok(());
    }
    if name.len() > NAMESPACE_MAX {
        return Err(format!(
            "{prefix}: {} is {} chars long",
            slipway_value::fmt::quote(name),
            name.len()
        ));
    }
    let problems = dns_label_problems(name);
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!("{prefix}: {}", problems.join(", ")))
    }
}

/// werf's `slug.HelmRelease`: unchanged if valid, else slugged to 53 chars.
pub fn helm_release(name: &str) -> String {
    if validate_helm_release(name).is_ok() {
        name.to_owned()
    } else {
        slug(name, HELM_RELEASE_MAX)
    }
}

/// werf's `slug.KubernetesNamespace`: unchanged if valid, else slugged to 63 chars.
pub fn kubernetes_namespace(name: &str) -> String {
    if validate_kubernetes_namespace(name).is_ok() {
        name.to_owned()
    } else {
        slug(name, NAMESPACE_MAX)
    }
}

/// Whether `name` is a valid docker tag (`^[\w][\w.-]*$`, at most 128 chars).
fn is_valid_docker_tag(name: &str) -> bool {
    let word = |c: char| c.is_ascii_alphanumeric() || c == '_';
    name.is_empty()
        || (name.len() <= DOCKER_TAG_MAX
            && name.chars().next().is_some_and(word)
            && name.chars().all(|c| word(c) || c == '.' || c == '-'))
}

/// werf's `slug.DockerTag`: unchanged if valid, else slugged to 128 chars.
pub fn docker_tag(name: &str) -> String {
    if is_valid_docker_tag(name) {
        name.to_owned()
    } else {
        slug(name, DOCKER_TAG_MAX)
    }
}

/// werf's `ValidateProject`: `^(?:[a-z0-9]|[a-z0-9][a-z0-9-]*[a-z0-9])$`, at most 50 chars.
pub fn validate_project(name: &str) -> Result<(), String> {
    if name.is_empty() || (name.len() <= PROJECT_MAX && is_dns_label(name)) {
        Ok(())
    } else {
        Err(format!(
            "project name should comply with regex \"^(?:[a-z0-9]|[a-z0-9][a-z0-9-]*[a-z0-9])$\" and be maximum {PROJECT_MAX} chars"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn werf_slug_vectors() {
        // werf-nelm.md §2.2, from werf's slug_test.go.
        assert_eq!(limited_slug("A", DEFAULT_SLUG_MAX), "a-54dcf7ce");
        assert_eq!(
            limited_slug(&"x".repeat(43), DEFAULT_SLUG_MAX),
            format!("{}-27e2f02f", "x".repeat(33))
        );
        assert_eq!(
            limited_slug("postgres-feature-31981-change-delivery-date-del-result", 48),
            "postgres-feature-31981-change-delivery--852739dc"
        );
        assert_eq!(
            limited_slug("php_fpm_exporter-monitoring-dev-encrypt-1", 48),
            "php-fpm-exporter-monitoring-dev-encrypt--83286e5"
        );
        assert_eq!(docker_tag("-data"), "data-a871d86e");
        assert_eq!(docker_tag("da/ta"), "da-ta-afa96f8");
        assert_eq!(
            docker_tag(&"x".repeat(129)),
            format!("{}-8cca70eb", "x".repeat(119))
        );
        assert_eq!(helm_release("release.name"), "release.name");
        assert_eq!(helm_release("-data"), "data-a871d86e");
        assert_eq!(helm_release("da/ta"), "da-ta-afa96f8");
        assert_eq!(
            helm_release(&"x".repeat(54)),
            format!("{}-18c5dfb9", "x".repeat(44))
        );
        assert_eq!(kubernetes_namespace("da_ta"), "da-ta-3b339d14");
        assert_eq!(
            kubernetes_namespace("kubernetes.namespace"),
            "kubernetes-namespace-1507f75c"
        );
        assert_eq!(
            kubernetes_namespace(&"x".repeat(64)),
            format!("{}-afd4efcd", "x".repeat(54))
        );
    }

    #[test]
    fn werf_slug_extra_examples() {
        // werf-nelm.md §2.2, computed with a verified reimplementation.
        assert_eq!(
            helm_release("myapp-Production"),
            "myapp-production-840966cf"
        );
        assert_eq!(
            kubernetes_namespace("myapp-Production"),
            "myapp-production-840966cf"
        );
        assert_eq!(
            helm_release("my_app-feature/ABC-1"),
            "my-app-feature-abc-1-1d4db55e"
        );
        assert_eq!(
            helm_release("Приложение-прод"),
            "prilozhyeniye-prod-b1a286bc"
        );
        let long = "myapp-review-1234567890-very-long-branch-name-for-feature-x";
        assert_eq!(
            helm_release(long),
            "myapp-review-1234567890-very-long-branch-nam-eba5a9c5"
        );
        // werf-nelm.md lists `...-for-feat-eba5a9c5` for the namespace, but werf's
        // `KubernetesNamespace` leaves a valid 59-char DNS label unchanged; the code wins.
        assert_eq!(kubernetes_namespace(long), long);
    }

    #[test]
    fn validation_messages() {
        assert!(validate_helm_release("ok.name-1").is_ok());
        assert_eq!(
            validate_kubernetes_namespace("Bad").unwrap_err(),
            format!("kubernetes namespace should be a valid DNS-1123 label: {LABEL_MSG}")
        );
        assert!(
            validate_helm_release(&"a".repeat(54))
                .unwrap_err()
                .ends_with(
                    "\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\" is 54 chars long"
                )
        );
        assert!(validate_project("my-app").is_ok());
        assert!(validate_project("My_App").is_err());
    }
}
