//! Values people name in words (`--sort newest`, `sort=newest`): [`Choice`] gives each such
//! enum one table of names, which the command line, the HTTP API and the JSON contract all
//! read, so a name is spelled in one place.

/// An enum chosen by name.
pub trait Choice: Sized + Copy + PartialEq + 'static {
    /// Every name with its value and a line of help; the first name of a value is the one
    /// written back, and a name with no help is an accepted alias, not offered.
    const NAMES: &'static [(&'static str, Self, &'static str)];

    /// What to call the choice in an error ("sort", "period").
    const WHAT: &'static str;

    /// The value's name.
    fn name(self) -> &'static str {
        Self::NAMES
            .iter()
            .find(|(_, value, _)| *value == self)
            .map_or("", |(name, _, _)| name)
    }

    /// Reads a name (as written, lower case); an unknown one is an error listing the names.
    ///
    /// # Errors
    /// A message naming the text and the names offered.
    fn from_name(text: &str) -> Result<Self, String> {
        Self::NAMES
            .iter()
            .find(|(name, _, _)| *name == text)
            .map(|(_, value, _)| *value)
            .ok_or_else(|| {
                let offered: Vec<&str> = Self::NAMES
                    .iter()
                    .filter(|(_, _, help)| !help.is_empty())
                    .map(|(name, _, _)| *name)
                    .collect();
                format!(
                    "'{text}' is not a {}: give one of {}",
                    Self::WHAT,
                    offered.join(", ")
                )
            })
    }
}

/// Implements `FromStr` and `Display` through [`Choice`] for each listed type.
macro_rules! by_name {
    ($($kind:ty),+) => {$(
        impl std::str::FromStr for $kind {
            type Err = String;
            fn from_str(text: &str) -> Result<Self, String> {
                <$kind as $crate::choice::Choice>::from_name(text)
            }
        }
        impl std::fmt::Display for $kind {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str($crate::choice::Choice::name(*self))
            }
        }
    )+};
}
pub(crate) use by_name;

#[cfg(test)]
mod tests {
    use super::Choice;
    use crate::export::ExportFormat;
    use crate::search::{Group, Period, SortOrder};

    fn round_trips<T: Choice + std::fmt::Debug + std::str::FromStr<Err = String>>() {
        for (name, value, _) in T::NAMES {
            assert_eq!(name.parse::<T>(), Ok(*value), "{name}");
        }
        for (_, value, _) in T::NAMES {
            assert_eq!(value.name().parse::<T>(), Ok(*value));
        }
    }

    #[test]
    fn every_name_reads_back_as_its_value_and_unknown_names_list_the_offered_ones() {
        round_trips::<SortOrder>();
        round_trips::<Group>();
        round_trips::<Period>();
        round_trips::<ExportFormat>();
        assert_eq!(Group::Passage.name(), "passage");
        assert_eq!("none".parse::<Group>(), Ok(Group::Passage));
        let error = "latest".parse::<SortOrder>().unwrap_err();
        assert_eq!(
            error,
            "'latest' is not a sort order: give one of relevance, newest, oldest"
        );
        assert!(!"x".parse::<Group>().unwrap_err().contains("none"));
    }
}
