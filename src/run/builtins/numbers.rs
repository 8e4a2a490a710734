//! Number built-ins.

use super::{argument, int_argument, trim_text, wrong_kind};
use crate::run::value::Value;

/// `to_int(value)`: a whole number, rounded toward zero; null when not numeric or out of range.
pub fn to_int(args: &[Value]) -> Result<Value, String> {
    let int = match argument(args, 0)? {
        Value::Int(n) => Some(*n),
        Value::Float(x) => float_to_int(*x),
        Value::Text(text) => {
            let text = trim_text(text);
            text.parse::<i64>().ok().or_else(|| numeric_text(text).and_then(float_to_int))
        }
        _ => None,
    };
    Ok(int.map_or(Value::Null, Value::Int))
}

/// `to_float(value)`: a decimal number; null when not numeric.
pub fn to_float(args: &[Value]) -> Result<Value, String> {
    let float = match argument(args, 0)? {
        Value::Int(n) => Some(*n as f64),
        Value::Float(x) => Some(*x),
        Value::Text(text) => numeric_text(trim_text(text)),
        _ => None,
    };
    Ok(float.map_or(Value::Null, Value::Float))
}

/// `round(number, digits)`: rounded to `digits` decimal places, half away from zero, as a float.
pub fn round(args: &[Value]) -> Result<Value, String> {
    let number = number_argument(args, 0)?;
    let digits = int_argument(args, 1, "number of digits")?;
    Ok(Value::Float(round_decimal(number, digits)))
}

/// `abs(number)`: the absolute value, of the same kind.
pub fn abs(args: &[Value]) -> Result<Value, String> {
    match argument(args, 0)? {
        Value::Int(n) => {
            n.checked_abs().map(Value::Int).ok_or_else(|| format!("the absolute value of {n} is too large"))
        }
        Value::Float(x) => Ok(Value::Float(x.abs())),
        other => Err(wrong_kind("value", "a number", other)),
    }
}

fn number_argument(args: &[Value], index: usize) -> Result<f64, String> {
    let value = argument(args, index)?;
    value.as_f64().ok_or_else(|| wrong_kind("value", "a number", value))
}

/// The value of decimal text: an optional sign, digits with an optional `.` fraction, an optional
/// exponent. Not `inf`, `nan`, hexadecimal or a decimal comma, which `f64::from_str` partly takes.
fn numeric_text(text: &str) -> Option<f64> {
    let plausible = text.bytes().any(|b| b.is_ascii_digit())
        && text.bytes().all(|b| b.is_ascii_digit() || matches!(b, b'+' | b'-' | b'.' | b'e' | b'E'));
    plausible.then(|| text.parse::<f64>().ok()).flatten().filter(|x| x.is_finite())
}

/// `x` rounded toward zero, if it is a number within the int range.
fn float_to_int(x: f64) -> Option<i64> {
    // 2^63 is exactly representable; every float below it (and at or above -2^63) fits an i64.
    const LIMIT: f64 = 9_223_372_036_854_775_808.0;
    let whole = x.trunc();
    (whole.is_finite() && (-LIMIT..LIMIT).contains(&whole)).then_some(whole as i64)
}

/// `x` rounded to `digits` decimal places, half away from zero, working on the shortest decimal
/// text that reads back as `x` (so 2.345, stored as 2.34499999999999997…, rounds to 2.35).
fn round_decimal(x: f64, digits: i64) -> f64 {
    if !x.is_finite() {
        return x;
    }
    // `{:e}` is the shortest round-trip form: "2.345e0", "1e-7".
    let scientific = format!("{:e}", x.abs());
    let Some((mantissa, exponent)) = scientific.split_once('e') else {
        return x;
    };
    let Ok(exponent) = exponent.parse::<i64>() else {
        return x;
    };
    let significant: Vec<u8> = mantissa.bytes().filter(u8::is_ascii_digit).collect();
    // The first significant digit stands for 10^exponent; keep those down to 10^-digits.
    let digits = digits.clamp(-400, 400);
    let keep = exponent + digits + 1;
    if keep >= significant.len() as i64 {
        return x;
    }
    let mut kept: Vec<u8> = if keep > 0 { significant[..keep as usize].to_vec() } else { Vec::new() };
    let round_up = keep >= 0 && significant[keep as usize] >= b'5';
    if round_up {
        let mut i = kept.len();
        loop {
            if i == 0 {
                kept.insert(0, b'1');
                break;
            }
            i -= 1;
            if kept[i] == b'9' {
                kept[i] = b'0';
            } else {
                kept[i] += 1;
                break;
            }
        }
    }
    if kept.is_empty() {
        return 0.0;
    }
    let text = format!("{}e{}", String::from_utf8_lossy(&kept), -digits);
    let rounded = text.parse::<f64>().unwrap_or(x.abs());
    if rounded == 0.0 { 0.0 } else { rounded.copysign(x) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(value: &str) -> Value {
        Value::text(value)
    }

    #[test]
    fn to_int_reads_numeric_text_with_spaces() {
        assert_eq!(to_int(&[text(" 42 ")]).unwrap(), Value::Int(42));
        assert_eq!(to_int(&[text("\u{FEFF}-7\n")]).unwrap(), Value::Int(-7));
        assert_eq!(to_int(&[text("42.9")]).unwrap(), Value::Int(42));
        assert_eq!(to_int(&[text("-42.9")]).unwrap(), Value::Int(-42));
        assert_eq!(to_int(&[text("1e3")]).unwrap(), Value::Int(1000));
        assert_eq!(to_int(&[Value::Float(-2.7)]).unwrap(), Value::Int(-2));
        assert_eq!(to_int(&[text("9223372036854775807")]).unwrap(), Value::Int(i64::MAX));
        for not_numeric in ["", " ", "abc", "4 2", "1,5", "inf", "NaN", "0x1F", "1e999"] {
            assert!(to_int(&[text(not_numeric)]).unwrap().is_null(), "{not_numeric:?}");
        }
        assert!(to_int(&[Value::Float(1e30)]).unwrap().is_null());
        assert!(to_int(&[Value::Float(f64::NAN)]).unwrap().is_null());
        assert!(to_int(&[Value::Bool(true)]).unwrap().is_null());
    }

    #[test]
    fn to_float_reads_numeric_text() {
        assert_eq!(to_float(&[text(" 1.5 ")]).unwrap(), Value::Float(1.5));
        assert_eq!(to_float(&[Value::Int(2)]).unwrap(), Value::Float(2.0));
        assert!(to_float(&[text("infinity")]).unwrap().is_null());
        assert!(to_float(&[text("1,5")]).unwrap().is_null());
    }

    #[test]
    fn round_goes_half_away_from_zero_on_the_written_digits() {
        let cases = [
            (2.345, 2, 2.35),
            (-2.345, 2, -2.35),
            (2.5, 0, 3.0),
            (-2.5, 0, -3.0),
            (1.005, 2, 1.01),
            (0.125, 2, 0.13),
            (9.995, 2, 10.0),
            (0.4, 0, 0.0),
            (0.6, 0, 1.0),
            (0.0004, 2, 0.0),
            (0.005, 2, 0.01),
            (1234.5, -2, 1200.0),
            (1250.0, -2, 1300.0),
            (49.0, -2, 0.0),
            (51.0, -2, 100.0),
            (1.5, 400, 1.5),
            (1.5, -400, 0.0),
        ];
        for (x, digits, expected) in cases {
            let rounded = round_decimal(x, digits);
            assert_eq!(rounded, expected, "round({x}, {digits})");
            assert!(rounded.is_sign_positive() || rounded != 0.0, "negative zero from round({x}, {digits})");
        }
        assert_eq!(round(&[Value::Int(7), Value::Int(0)]).unwrap(), Value::Float(7.0));
        assert!(round_decimal(f64::INFINITY, 2).is_infinite());
    }

    #[test]
    fn abs_keeps_the_kind() {
        assert!(matches!(abs(&[Value::Int(-3)]).unwrap(), Value::Int(3)));
        assert!(matches!(abs(&[Value::Float(-0.5)]).unwrap(), Value::Float(x) if x == 0.5));
        assert!(abs(&[Value::Int(i64::MIN)]).is_err());
    }
}
