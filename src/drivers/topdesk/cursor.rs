//! [`Position`]: where a read of one TOPdesk list stopped, as the opaque text of a
//! [`Cursor`](crate::drivers::Cursor).
//!
//! The text is `key=value` pairs joined by `;` after a `topdesk/1` tag, readable in the runner's
//! ledger and parsed back in any later process. A next link (which may itself hold `;`) is
//! always the last pair and runs to the end. Anything else, or another driver's cursor, is refused
//! with what was expected.

use std::collections::BTreeMap;

use jiff::Timestamp;

use super::window::WindowPlan;

const TAG: &str = "topdesk/1";

/// Where to continue a list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Position {
    /// Offset paging: the next record's offset.
    Offset {
        /// Records already read.
        offset: u64,
    },
    /// The server's next link, as a path on the same host.
    Link {
        /// Path and query.
        path: String,
    },
    /// Windowed reading: window `window` of `plan`, `offset` records into it, `expected` records
    /// in it as counted when the window was opened.
    Window {
        /// The windows of this read.
        plan: WindowPlan,
        /// The current window.
        window: u32,
        /// Records already read in it.
        offset: u64,
        /// Records it held when counted.
        expected: u64,
    },
    /// Seek paging on a date (reservations): records from `after` on, skipping the `seen` first
    /// ones that carry exactly `after`.
    Seek {
        /// The last date read.
        after: Timestamp,
        /// Records at exactly `after` already read.
        seen: u64,
    },
    /// A child object read parent by parent: the parents' position and how many children of the
    /// current batch of parents were already read.
    Children {
        /// Children of the current parents already read.
        skip: u64,
        /// Where the current batch of parents starts (`None`: at the beginning).
        parents: Option<Box<Position>>,
    },
}

impl Position {
    /// The cursor text.
    pub fn encode(&self) -> String {
        let mut text = String::from(TAG);
        self.write(&mut text);
        text
    }

    fn write(&self, text: &mut String) {
        match self {
            Position::Offset { offset } => text.push_str(&format!(";offset={offset}")),
            Position::Link { path } => text.push_str(&format!(";link={path}")),
            Position::Window { plan, window, offset, expected } => text.push_str(&format!(
                ";origin={};days={};windows={};window={window};offset={offset};expected={expected}",
                plan.origin, plan.days, plan.windows
            )),
            Position::Seek { after, seen } => text.push_str(&format!(";after={after};seen={seen}")),
            Position::Children { skip, parents } => {
                text.push_str(&format!(";skip={skip};parents="));
                match parents {
                    Some(parents) => parents.write(text),
                    None => text.push_str(";start"),
                }
            }
        }
    }

    /// Read a cursor text back; the error says what is wrong with it.
    pub fn decode(text: &str) -> Result<Position, String> {
        let rest =
            text.strip_prefix(TAG).ok_or_else(|| format!("not a TOPdesk cursor (it should start with `{TAG}`)"))?;
        Position::parse(rest)
    }

    fn parse(rest: &str) -> Result<Position, String> {
        if let Some(path) = rest.strip_prefix(";link=") {
            return Ok(Position::Link { path: path.to_owned() });
        }
        if let Some(children) = rest.strip_prefix(";skip=") {
            let (skip, parents) = children.split_once(";parents=").ok_or("a child cursor without `parents=`")?;
            let skip = skip.parse().map_err(|_| format!("`skip={skip}` is not a number"))?;
            let parents = if parents == ";start" { None } else { Some(Box::new(Position::parse(parents)?)) };
            return Ok(Position::Children { skip, parents });
        }
        let pairs: BTreeMap<&str, &str> = rest
            .split(';')
            .filter(|pair| !pair.is_empty())
            .map(|pair| pair.split_once('=').ok_or_else(|| format!("`{pair}` is not `key=value`")))
            .collect::<Result<_, _>>()?;
        let number = |key: &str| -> Result<u64, String> {
            let value = pairs.get(key).ok_or_else(|| format!("`{key}` is missing"))?;
            value.parse().map_err(|_| format!("`{key}={value}` is not a number"))
        };
        let time = |key: &str| -> Result<Timestamp, String> {
            let value = pairs.get(key).ok_or_else(|| format!("`{key}` is missing"))?;
            value.parse().map_err(|_| format!("`{key}={value}` is not a point in time"))
        };
        let small = |key: &str| -> Result<u32, String> {
            u32::try_from(number(key)?).map_err(|_| format!("`{key}` is too large"))
        };
        if pairs.contains_key("origin") {
            let plan = WindowPlan { origin: time("origin")?, days: small("days")?, windows: small("windows")? };
            let window = small("window")?;
            if window >= plan.windows || plan.days == 0 {
                return Err(format!("window {window} of {} does not exist", plan.windows));
            }
            return Ok(Position::Window { plan, window, offset: number("offset")?, expected: number("expected")? });
        }
        if pairs.contains_key("after") {
            return Ok(Position::Seek { after: time("after")?, seen: number("seen")? });
        }
        if pairs.contains_key("offset") {
            return Ok(Position::Offset { offset: number("offset")? });
        }
        Err("it names no position (`offset`, `link`, `origin` or `after`)".to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(position: Position) -> String {
        let text = position.encode();
        assert_eq!(Position::decode(&text), Ok(position), "{text}");
        text
    }

    #[test]
    fn every_position_survives_its_text() {
        let plan = WindowPlan { origin: "2023-01-08T00:00:00Z".parse().unwrap(), days: 90, windows: 3 };
        assert_eq!(round_trip(Position::Offset { offset: 200 }), "topdesk/1;offset=200");
        assert_eq!(
            round_trip(Position::Link { path: "/tas/api/persons?query=a==b;c==d&pageStart=50".into() }),
            "topdesk/1;link=/tas/api/persons?query=a==b;c==d&pageStart=50"
        );
        assert_eq!(
            round_trip(Position::Window { plan, window: 1, offset: 100, expected: 523 }),
            "topdesk/1;origin=2023-01-08T00:00:00Z;days=90;windows=3;window=1;offset=100;expected=523"
        );
        assert_eq!(
            round_trip(Position::Seek { after: "2024-05-01T09:00:00Z".parse().unwrap(), seen: 2 }),
            "topdesk/1;after=2024-05-01T09:00:00Z;seen=2"
        );
        let inner = Position::Window { plan, window: 2, offset: 0, expected: 4 };
        assert_eq!(
            round_trip(Position::Children { skip: 7, parents: Some(Box::new(inner)) }),
            "topdesk/1;skip=7;parents=;origin=2023-01-08T00:00:00Z;days=90;windows=3;window=2;offset=0;expected=4"
        );
        assert_eq!(round_trip(Position::Children { skip: 3, parents: None }), "topdesk/1;skip=3;parents=;start");
    }

    #[test]
    fn foreign_or_damaged_cursors_are_refused() {
        assert_eq!(Position::decode("42").unwrap_err(), "not a TOPdesk cursor (it should start with `topdesk/1`)");
        assert_eq!(Position::decode("topdesk/1;offset=x").unwrap_err(), "`offset=x` is not a number");
        assert_eq!(
            Position::decode("topdesk/1;origin=2023-01-08T00:00:00Z;days=90;windows=3;window=3;offset=0;expected=0")
                .unwrap_err(),
            "window 3 of 3 does not exist"
        );
        assert!(Position::decode("topdesk/1;bogus").is_err());
    }
}
