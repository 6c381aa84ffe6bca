//! The decimal strings a field accepts, as one regular expression for the OpenAPI document.
//!
//! A decimal field takes a string such as `"19.99"`: an optional `-`, digits, and an
//! optional fraction (`DECIMAL_PATTERN` in `openapi/shared.rs`). The service refuses one with more
//! than `precision - scale` digits before the point (leading zeros aside), more than `scale`
//! places (trailing zeros aside), or a value outside the field's bounds. JSON Schema bounds
//! numbers, not strings, so the pattern carries all of it: a client validating with the
//! document accepts exactly the strings the service accepts.
//!
//! The pattern is built like a classic numeric-range expression, on the parts of the number:
//! its sign, its whole part (any leading zeros, then the significant digits) and its
//! fraction (up to `scale` digits, then any trailing zeros). It only uses what ECMA-262,
//! Python and Rust read alike (classes, groups, alternation, counted repetition).

/// The pattern of decimal strings with at most `digits` digits before the point and `scale`
/// after it, between `min` and `max` (inclusive, as decimal text with at most `scale`
/// places, as `check` ensures).
pub fn pattern(digits: u32, scale: u32, min: Option<&str>, max: Option<&str>) -> String {
    let shape = Shape { digits, scale };
    let largest = shape.largest();
    let min = min.map_or(Signed::negative(largest.clone()), |text| shape.parse(text));
    let max = max.map_or(Signed::positive(largest.clone()), |text| shape.parse(text));
    let min = min.max(Signed::negative(largest.clone()));
    let max = max.min(Signed::positive(largest));
    let mut alternatives = Vec::new();
    let zero = Signed::positive(Magnitude::zero(scale));
    if max >= zero {
        let low = if min.negative {
            zero.magnitude.clone()
        } else {
            min.magnitude.clone()
        };
        if low <= max.magnitude {
            alternatives.push(shape.magnitudes(&low, &max.magnitude));
        }
    }
    // Zero may be written `-0`, so the minus sign is there whenever zero is in the bounds.
    if min.negative || min == zero {
        let low = if max.negative {
            max.magnitude.clone()
        } else {
            Magnitude::zero(scale)
        };
        if low <= min.magnitude {
            alternatives.push(format!("-({})", shape.magnitudes(&low, &min.magnitude)));
        }
    }
    if alternatives.is_empty() {
        // Bounds beyond what the column holds: no string is accepted.
        return r"^[^\s\S]$".to_string();
    }
    format!("^({})$", alternatives.join("|"))
}

/// The column's shape: digits before the point and after it.
#[derive(Clone, Copy)]
struct Shape {
    digits: u32,
    scale: u32,
}

/// A non-negative decimal: its whole part, and its fraction as exactly `scale` digits.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Magnitude {
    whole: u128,
    fraction: String,
}

impl Magnitude {
    fn zero(scale: u32) -> Self {
        Self {
            whole: 0,
            fraction: "0".repeat(scale as usize),
        }
    }
}

/// A decimal with its sign; negative zero is zero.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Signed {
    negative: bool,
    magnitude: Magnitude,
}

impl Signed {
    fn positive(magnitude: Magnitude) -> Self {
        Self {
            negative: false,
            magnitude,
        }
    }

    fn negative(magnitude: Magnitude) -> Self {
        let negative = magnitude.whole != 0 || !is_zero(&magnitude.fraction);
        Self {
            negative,
            magnitude,
        }
    }
}

impl PartialOrd for Signed {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Signed {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        match (self.negative, other.negative) {
            (false, false) => self.magnitude.cmp(&other.magnitude),
            (true, true) => other.magnitude.cmp(&self.magnitude),
            (true, false) => std::cmp::Ordering::Less,
            (false, true) => std::cmp::Ordering::Greater,
        }
    }
}

impl Shape {
    /// The largest magnitude the column holds: all nines.
    fn largest(self) -> Magnitude {
        Magnitude {
            whole: 10u128.pow(self.digits) - 1,
            fraction: "9".repeat(self.scale as usize),
        }
    }

    /// Decimal text (`-10.5`, `100`); a whole part too large for the column is clamped later.
    fn parse(self, text: &str) -> Signed {
        let (negative, body) = match text.strip_prefix('-') {
            Some(body) => (true, body),
            None => (false, text.strip_prefix('+').unwrap_or(text)),
        };
        let (whole, fraction) = body.split_once('.').unwrap_or((body, ""));
        let mut fraction: String = fraction.chars().take(self.scale as usize).collect();
        while fraction.len() < self.scale as usize {
            fraction.push('0');
        }
        let whole = whole.parse::<u128>().unwrap_or(u128::MAX);
        let magnitude = Magnitude { whole, fraction };
        if negative {
            Signed::negative(magnitude)
        } else {
            Signed::positive(magnitude)
        }
    }

    /// Unsigned decimal text whose value is in `[low, high]` (`low <= high`): the whole
    /// parts between take any fraction, the two at the ends only some.
    fn magnitudes(self, low: &Magnitude, high: &Magnitude) -> String {
        if low.whole == high.whole {
            return format!(
                "{}{}",
                whole_equal(low.whole),
                self.fraction_between(&low.fraction, &high.fraction)
            );
        }
        let mut alternatives = Vec::new();
        let mut from = low.whole;
        if !is_zero(&low.fraction) {
            alternatives.push(format!(
                "{}{}",
                whole_equal(low.whole),
                self.fraction_at_least(&low.fraction)
            ));
            from += 1;
        }
        let mut to = high.whole;
        let top = !high.fraction.bytes().all(|b| b == b'9');
        if top {
            to -= 1;
        }
        if from <= to {
            alternatives.push(format!("0*({}){}", wholes(from, to), self.any_fraction()));
        }
        if top {
            alternatives.push(format!(
                "{}{}",
                whole_equal(high.whole),
                self.fraction_at_most(&high.fraction)
            ));
        }
        alternatives.join("|")
    }

    /// Any fraction the column holds, or none.
    fn any_fraction(self) -> String {
        if self.scale == 0 {
            r"(\.0+)?".to_string()
        } else {
            format!(r"(\.[0-9]{{1,{}}}0*)?", self.scale)
        }
    }

    /// A fraction (or none) at least `low` (`scale` digits).
    fn fraction_at_least(self, low: &str) -> String {
        if is_zero(low) {
            self.any_fraction()
        } else {
            format!(r"\.({})", at_least(low))
        }
    }

    /// A fraction (or none) at most `high`.
    fn fraction_at_most(self, high: &str) -> String {
        format!(r"(\.({}))?", at_most(high))
    }

    /// A fraction (or none) from `low` to `high`.
    fn fraction_between(self, low: &str, high: &str) -> String {
        if is_zero(low) {
            self.fraction_at_most(high)
        } else {
            format!(r"\.({})", between(low, high))
        }
    }
}

/// A whole part of exactly this value: any leading zeros, then its digits.
fn whole_equal(whole: u128) -> String {
    if whole == 0 {
        "0+".to_string()
    } else {
        format!("0*{whole}")
    }
}

/// The significant digits of every whole number in `[low, high]` (zero as `0`), split by
/// their number of digits; the widths that every number of them fills are one alternative.
fn wholes(low: u128, high: u128) -> String {
    let mut alternatives = Vec::new();
    let mut from = low;
    if from == 0 {
        alternatives.push("0".to_string());
        from = 1;
    }
    // A run of widths filled whole: `[1-9][0-9]{first - 1,last - 1}`.
    let mut filled: Option<(u32, u32)> = None;
    let flush = |filled: &mut Option<(u32, u32)>, alternatives: &mut Vec<String>| {
        if let Some((first, last)) = filled.take() {
            alternatives.push(match (first, last) {
                (1, 1) => "[1-9]".to_string(),
                _ if first == last => format!("[1-9][0-9]{{{}}}", first - 1),
                _ => format!("[1-9][0-9]{{{},{}}}", first - 1, last - 1),
            });
        }
    };
    while from <= high {
        let width = from.to_string().len() as u32;
        let last = 10u128.pow(width) - 1;
        let to = high.min(last);
        if from == 10u128.pow(width - 1) && to == last {
            filled = Some(filled.map_or((width, width), |(first, _)| (first, width)));
        } else {
            flush(&mut filled, &mut alternatives);
            alternatives.push(same_width(&from.to_string(), &to.to_string()));
        }
        if to == high {
            break;
        }
        from = to + 1;
    }
    flush(&mut filled, &mut alternatives);
    alternatives.join("|")
}

/// Exactly the digit strings of the width of `low` and `high` from one to the other.
fn same_width(low: &str, high: &str) -> String {
    let (Some(l), Some(h)) = (low.bytes().next(), high.bytes().next()) else {
        return String::new();
    };
    let (low_rest, high_rest) = (&low[1..], &high[1..]);
    let width = low_rest.len();
    if l == h {
        return format!("{}{}", char::from(l), same_width(low_rest, high_rest));
    }
    let free = |width: usize| match width {
        0 => String::new(),
        _ => format!("[0-9]{{{width}}}"),
    };
    if is_zero(low_rest) && high_rest.bytes().all(|b| b == b'9') {
        return format!("{}{}", digit_class(l, h), free(width));
    }
    let mut alternatives = vec![format!(
        "{}({})",
        char::from(l),
        same_width(low_rest, &"9".repeat(width))
    )];
    if l + 1 < h {
        alternatives.push(format!("{}{}", digit_class(l + 1, h - 1), free(width)));
    }
    alternatives.push(format!(
        "{}({})",
        char::from(h),
        same_width(&"0".repeat(width), high_rest)
    ));
    alternatives.join("|")
}

fn is_zero(digits: &str) -> bool {
    digits.bytes().all(|b| b == b'0')
}

/// One digit from `low` to `high`.
fn digit_class(low: u8, high: u8) -> String {
    match high - low {
        0 => char::from(low).to_string(),
        9 => "[0-9]".to_string(),
        _ => format!("[{}-{}]", char::from(low), char::from(high)),
    }
}

// The fraction digits below: a fraction may stop before the bound's width or run on with
// zeros, neither of which changes its value, so each function compares the digits as if
// padded with zeros to the bound's width.

/// Fraction digits at least `bound`; none, when `bound` is zero.
fn at_least(bound: &str) -> String {
    if is_zero(bound) {
        return any_digits(bound.len());
    }
    let first = bound.as_bytes()[0];
    let rest = &bound[1..];
    let mut alternatives = Vec::new();
    if first < b'9' {
        alternatives.push(format!(
            "{}{}",
            digit_class(first + 1, b'9'),
            any_digits(rest.len())
        ));
    }
    alternatives.push(format!("{}({})", char::from(first), at_least(rest)));
    alternatives.join("|")
}

/// Fraction digits (at least one) at most `bound`.
fn at_most(bound: &str) -> String {
    let Some(first) = bound.bytes().next() else {
        return "0+".to_string();
    };
    let rest = &bound[1..];
    let mut alternatives = Vec::new();
    if first > b'0' {
        alternatives.push(format!(
            "{}{}",
            digit_class(b'0', first - 1),
            any_digits(rest.len())
        ));
    }
    alternatives.push(format!("{}({})?", char::from(first), at_most(rest)));
    alternatives.join("|")
}

/// Fraction digits from `low` (not zero) to `high`.
fn between(low: &str, high: &str) -> String {
    let (l, h) = (low.as_bytes()[0], high.as_bytes()[0]);
    let (low_rest, high_rest) = (&low[1..], &high[1..]);
    if l == h {
        let rest = if is_zero(low_rest) {
            format!("({})?", at_most(high_rest))
        } else {
            between(low_rest, high_rest)
        };
        return format!("{}({})", char::from(l), rest);
    }
    let mut alternatives = vec![format!("{}({})", char::from(l), at_least(low_rest))];
    if l + 1 < h {
        alternatives.push(format!(
            "{}{}",
            digit_class(l + 1, h - 1),
            any_digits(low_rest.len())
        ));
    }
    alternatives.push(format!("{}({})?", char::from(h), at_most(high_rest)));
    alternatives.join("|")
}

/// Up to `width` digits, then any zeros (possibly nothing).
fn any_digits(width: usize) -> String {
    match width {
        0 => "0*".to_string(),
        _ => format!("[0-9]{{0,{width}}}0*"),
    }
}

#[cfg(test)]
mod tests {
    use super::pattern;
    use regex::Regex;

    /// Whether the service takes `text` (already in its grammar): the column's shape and the
    /// bounds, computed on exact integers (the value times 10^scale).
    fn accepts(text: &str, digits: u32, scale: u32, min: Option<i128>, max: Option<i128>) -> bool {
        let (negative, body) = text.strip_prefix('-').map_or((false, text), |b| (true, b));
        let (whole, fraction) = body.split_once('.').unwrap_or((body, ""));
        let whole = whole.trim_start_matches('0');
        let fraction = fraction.trim_end_matches('0');
        if whole.len() > digits as usize || fraction.len() > scale as usize {
            return false;
        }
        let padded = format!("{whole}{fraction:0<width$}", width = scale as usize);
        let mut value: i128 = padded.parse().unwrap_or(0);
        if negative {
            value = -value;
        }
        min.is_none_or(|min| value >= min) && max.is_none_or(|max| value <= max)
    }

    /// Every string of a small alphabet up to a length, against the service's rules.
    fn check(digits: u32, scale: u32, min: Option<&str>, max: Option<&str>) {
        let scaled = |text: &str| {
            let (negative, body) = text.strip_prefix('-').map_or((false, text), |b| (true, b));
            let (whole, fraction) = body.split_once('.').unwrap_or((body, ""));
            let padded = format!("{whole}{fraction:0<width$}", width = scale as usize);
            let value: i128 = padded.parse().unwrap();
            if negative { -value } else { value }
        };
        let regex = Regex::new(&pattern(digits, scale, min, max)).unwrap();
        let grammar = Regex::new(r"^-?[0-9]+(\.[0-9]+)?$").unwrap();
        let alphabet = ['0', '1', '5', '9', '.', '-'];
        let mut texts = vec![String::new()];
        for _ in 0..6 {
            let mut longer = Vec::new();
            for text in &texts {
                for c in alphabet {
                    longer.push(format!("{text}{c}"));
                }
            }
            for text in &longer {
                let expected = grammar.is_match(text)
                    && accepts(text, digits, scale, min.map(scaled), max.map(scaled));
                assert_eq!(
                    regex.is_match(text),
                    expected,
                    "{text:?} with digits {digits}, scale {scale}, min {min:?}, max {max:?}: {}",
                    regex.as_str()
                );
            }
            texts = longer;
        }
    }

    #[test]
    fn the_pattern_accepts_exactly_what_the_service_accepts() {
        for (digits, scale) in [(2, 2), (3, 1), (2, 0), (0, 2), (1, 3)] {
            check(digits, scale, None, None);
            check(digits, scale, Some("0"), None);
            check(digits, scale, None, Some("0"));
        }
        check(2, 2, Some("0.5"), Some("15.91"));
        check(2, 2, Some("-10.5"), Some("99"));
        check(3, 1, Some("-5.5"), Some("-0.1"));
        check(2, 2, Some("1.05"), Some("1.9"));
        check(2, 2, Some("0.15"), Some("0.15"));
        check(3, 0, Some("15"), Some("951"));
        check(2, 1, Some("-1"), Some("1"));
        check(1, 2, Some("5"), None);
        check(2, 2, Some("1000"), None);
    }

    #[test]
    fn every_column_shape_gives_a_pattern() {
        for precision in 1..=38 {
            for scale in 0..=precision {
                for (min, max) in [(None, None), (Some("-1.5"), Some("1000"))] {
                    let text = pattern(precision - scale, scale, min, max);
                    assert!(Regex::new(&text).is_ok(), "{precision}, {scale}: {text}");
                }
            }
        }
    }

    #[test]
    fn shop_prices_are_non_negative_with_two_places() {
        let regex = Regex::new(&pattern(16, 2, Some("0"), None)).unwrap();
        for good in [
            "0",
            "19.99",
            "007.5",
            "1.500",
            "-0",
            "-0.00",
            "9999999999999999.99",
        ] {
            assert!(regex.is_match(good), "{good}");
        }
        for bad in [
            "-1",
            "-0.01",
            "1.999",
            "10000000000000000",
            "1.",
            ".5",
            "+1",
            "1e3",
        ] {
            assert!(!regex.is_match(bad), "{bad}");
        }
    }
}
